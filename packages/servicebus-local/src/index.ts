/**
 * A Service Bus-compatible AMQP 1.0 broker for one machine, durable on SQLite, that the
 * unmodified `@azure/service-bus` client talks to. See README.md for what it supports.
 */
export {
  connectionStringFor,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  startBroker,
  type BrokerOptions,
  type RunningBroker,
} from './broker.js';
export { BrokerError, isBrokerError, type BrokerErrorCode } from './broker-error.js';
export {
  ConfigError,
  isConfigError,
  loadConfig,
  parseConfig,
  type BrokerConfig,
  type ConfigErrorCode,
  type EntityProperties,
  type QueueConfig,
  type SubscriptionConfig,
  type TopicConfig,
  type TopicProperties,
} from './config.js';
export { FilterError, isFilterError, type FilterErrorCode } from './filters/index.js';
