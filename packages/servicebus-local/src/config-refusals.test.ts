import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, parseConfig } from './config.js';
import { isFilterError } from './filters/index.js';

type Json = Record<string, unknown>;

/** A one-namespace document holding the given queues and topics. */
function document(entities: { Queues?: Json[]; Topics?: Json[] }): Json {
  return { UserConfig: { Namespaces: [{ Name: 'sbemulatorns', ...entities }] } };
}

function topicWithRules(rules: Json[]): Json {
  return document({
    Topics: [{ Name: 'hl7-results', Subscriptions: [{ Name: 'ehr', Rules: rules }] }],
  });
}

function sqlRule(name: string, sqlExpression: string): Json {
  return {
    Name: name,
    Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: sqlExpression } },
  };
}

function catchConfigError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig refuses', () => {
  const Q = 'UserConfig.Namespaces[0].Queues';
  const RULE = 'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[0].Properties';

  it.each<[string, Json | unknown[] | string, string, string, string]>([
    ['a non-object document', [], 'INVALID_SETTING', '', 'must be an object holding UserConfig'],
    ['no UserConfig', {}, 'MISSING_SETTING', 'UserConfig', 'is required'],
    [
      'Namespaces that is no array',
      { UserConfig: { Namespaces: {} } },
      'INVALID_SETTING',
      'UserConfig.Namespaces',
      'must be an array, not an object',
    ],
    [
      'a namespace without a name',
      { UserConfig: { Namespaces: [{ Queues: [] }] } },
      'MISSING_SETTING',
      'UserConfig.Namespaces[0].Name',
      'is required',
    ],
    [
      'a queue without a name',
      document({ Queues: [{}] }),
      'MISSING_SETTING',
      `${Q}[0].Name`,
      'is required',
    ],
    [
      'a queue that is no object',
      document({ Queues: ['q'] as unknown as Json[] }),
      'INVALID_SETTING',
      `${Q}[0]`,
      'must be an object',
    ],
    [
      'an invalid name',
      document({ Queues: [{ Name: 'bad name!' }] }),
      'INVALID_SETTING',
      `${Q}[0].Name`,
      "'bad name!' is not a valid name",
    ],
    [
      'a name ending in a dash',
      document({ Queues: [{ Name: 'q-' }] }),
      'INVALID_SETTING',
      `${Q}[0].Name`,
      'is not a valid name',
    ],
    [
      'a malformed duration',
      document({ Queues: [{ Name: 'a' }, { Name: 'b', Properties: { LockDuration: 'PT1X' } }] }),
      'INVALID_SETTING',
      `${Q}[1].Properties.LockDuration`,
      "'PT1X' is not an ISO 8601 duration",
    ],
    [
      'a zero duration',
      document({ Queues: [{ Name: 'a', Properties: { DefaultMessageTimeToLive: 'PT0S' } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.DefaultMessageTimeToLive`,
      "must be longer than zero, not 'PT0S'",
    ],
    [
      'a duration given as a number',
      document({ Queues: [{ Name: 'a', Properties: { LockDuration: 30 } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.LockDuration`,
      'must be a string, not number 30',
    ],
    [
      'a zero MaxDeliveryCount',
      document({ Queues: [{ Name: 'a', Properties: { MaxDeliveryCount: 0 } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.MaxDeliveryCount`,
      'must be an integer of at least 1, not 0',
    ],
    [
      'a fractional MaxDeliveryCount',
      document({ Queues: [{ Name: 'a', Properties: { MaxDeliveryCount: 2.5 } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.MaxDeliveryCount`,
      'not 2.5',
    ],
    [
      'a MaxDeliveryCount in quotes',
      document({ Queues: [{ Name: 'a', Properties: { MaxDeliveryCount: '3' } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.MaxDeliveryCount`,
      "not the string '3'",
    ],
    [
      'a flag that is no boolean',
      document({ Queues: [{ Name: 'a', Properties: { RequiresSession: 'yes' } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.RequiresSession`,
      "must be true or false, not the string 'yes'",
    ],
    [
      'two queues with one name in different case',
      document({ Queues: [{ Name: 'hl7-inbound' }, { Name: 'HL7-Inbound' }] }),
      'DUPLICATE_NAME',
      `${Q}[1].Name`,
      `'HL7-Inbound' is already the name at ${Q}[0].Name`,
    ],
    [
      'a queue and a topic with one name',
      document({ Queues: [{ Name: 'x' }], Topics: [{ Name: 'x' }] }),
      'DUPLICATE_NAME',
      'UserConfig.Namespaces[0].Topics[0].Name',
      'is already the name',
    ],
    [
      'one name in two namespaces',
      {
        UserConfig: {
          Namespaces: [
            { Name: 'a', Queues: [{ Name: 'q' }] },
            { Name: 'b', Queues: [{ Name: 'q' }] },
          ],
        },
      },
      'DUPLICATE_NAME',
      'UserConfig.Namespaces[1].Queues[0].Name',
      'UserConfig.Namespaces[0].Queues[0].Name',
    ],
    [
      'two subscriptions with one name',
      document({ Topics: [{ Name: 't', Subscriptions: [{ Name: 's' }, { Name: 'S' }] }] }),
      'DUPLICATE_NAME',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[1].Name',
      "a second subscription named 'S'",
    ],
    [
      'two rules with one name',
      topicWithRules([sqlRule('r', '1=1'), sqlRule('r', '1=1')]),
      'DUPLICATE_NAME',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[1].Name',
      "a second rule named 'r'",
    ],
    [
      'a forward to nowhere',
      document({ Queues: [{ Name: 'a', Properties: { ForwardTo: 'missing' } }] }),
      'INVALID_SETTING',
      `${Q}[0].Properties.ForwardTo`,
      "'missing' is no queue or topic of this file",
    ],
    [
      'an unknown filter type',
      topicWithRules([{ Name: 'r', Properties: { FilterType: 'Boolean' } }]),
      'INVALID_SETTING',
      `${RULE}.FilterType`,
      "must be Sql or Correlation, not 'Boolean'",
    ],
    [
      'a rule without properties',
      topicWithRules([{ Name: 'r' }]),
      'MISSING_SETTING',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[0].Properties',
      'is required',
    ],
    [
      'a SQL rule without its filter',
      topicWithRules([{ Name: 'r', Properties: { FilterType: 'Sql' } }]),
      'MISSING_SETTING',
      `${RULE}.SqlFilter`,
      'is required',
    ],
    [
      'a SQL filter that does not parse',
      topicWithRules([sqlRule('abnormal', "abnormal = TRUE AND resultStatus IN 'F'")]),
      'INVALID_RULE',
      `${RULE}.SqlFilter.SqlExpression`,
      "rule 'abnormal': expected '(' but found the string 'F' at position 36",
    ],
    [
      'a SQL filter calling a function',
      topicWithRules([sqlRule('r', "newid() = 'x'")]),
      'INVALID_RULE',
      `${RULE}.SqlFilter.SqlExpression`,
      'function newid() is not supported',
    ],
    [
      'a rule action',
      topicWithRules([
        {
          Name: 'r',
          Properties: {
            FilterType: 'Sql',
            SqlFilter: { SqlExpression: '1=1' },
            Action: { SqlExpression: "SET a = 'b'" },
          },
        },
      ]),
      'INVALID_RULE',
      `${RULE}.Action.SqlExpression`,
      'rule actions (SET, REMOVE) are not supported',
    ],
    [
      'an empty correlation filter',
      topicWithRules([
        { Name: 'r', Properties: { FilterType: 'Correlation', CorrelationFilter: {} } },
      ]),
      'INVALID_RULE',
      `${RULE}.CorrelationFilter`,
      'must state at least one property',
    ],
    [
      'a correlation property that is an object',
      topicWithRules([
        {
          Name: 'r',
          Properties: { FilterType: 'Correlation', CorrelationFilter: { Properties: { a: {} } } },
        },
      ]),
      'INVALID_SETTING',
      `${RULE}.CorrelationFilter.Properties.a`,
      'must be a string, a number or a boolean',
    ],
  ])('%s', (_case, input, code, path, message) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    const error = catchConfigError(() => loadConfig(text));

    expect(error).toMatchObject({ name: 'ConfigError', code, path });
    expect(error.message).toContain(message);
    if (path !== '') expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('text that is not JSON', () => {
    const error = catchConfigError(() => loadConfig('{ "UserConfig": '));
    expect(error).toMatchObject({ code: 'INVALID_JSON', path: '' });
    expect(error.message).toMatch(/^the configuration is not JSON: /);
  });

  it('a rule, keeping the filter error behind it', () => {
    const error = catchConfigError(() => parseConfig(topicWithRules([sqlRule('r', 'a = ')])));
    expect(isFilterError(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ code: 'SYNTAX_ERROR', position: 4 });
  });
});
