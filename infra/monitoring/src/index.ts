/**
 * Monitoring as code for the HL7 gateway: the KQL queries (read from `queries/`), the
 * alert rules with their thresholds, the routing of alerts to people, and the Azure
 * Workbooks built from the queries. The Pulumi program (`infra/src/monitoring.ts`)
 * reads all of it from here; nothing here talks to Azure.
 */
export {
  ALERT_RULES,
  SERVICE_TARGETS,
  isoMinutes,
  type AlertRule,
  type AlertSeverity,
  type AvailabilityAlertRule,
  type LogAlertRule,
} from './alerts.js';
export {
  DASHBOARDS,
  buildWorkbook,
  stableGuid,
  type Dashboard,
  type Tile,
  type Visualization,
} from './dashboards.js';
export {
  QUERIES_DIR,
  loadQueries,
  queryBody,
  queryById,
  type KqlQuery,
  type QueryView,
} from './queries.js';
export { ALERT_ROUTES, routeFor, type AlertRoute, type Channel } from './routing.js';
export {
  APPLICATION_INSIGHTS_TABLES,
  schemaText,
  type KustoType,
  type TableSchema,
} from './schema.js';
