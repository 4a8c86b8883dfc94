/**
 * The Application Insights tables as the queries see them: the classic names a query uses
 * when it is scoped to the Application Insights resource (alerts, workbooks, the portal's
 * Logs blade). Columns follow Microsoft's published schema of each table; the KQL check
 * binds every query against these declarations, so a misspelt column fails `npm test`.
 */

/** A table's name and its columns as a Kusto schema text: `(name:type, ...)`. */
export interface TableSchema {
  name: string;
  columns: Readonly<Record<string, KustoType>>;
}

/** The scalar types the Application Insights tables use. */
export type KustoType = 'string' | 'datetime' | 'real' | 'long' | 'int' | 'bool' | 'dynamic';

// Columns every Application Insights table carries: the operation, the cloud role (the
// Function App) and the sampling weight (`itemCount`).
const common = {
  timestamp: 'datetime',
  itemType: 'string',
  itemId: 'string',
  itemCount: 'int',
  customDimensions: 'dynamic',
  operation_Name: 'string',
  operation_Id: 'string',
  operation_ParentId: 'string',
  operation_SyntheticSource: 'string',
  session_Id: 'string',
  user_Id: 'string',
  user_AuthenticatedId: 'string',
  user_AccountId: 'string',
  application_Version: 'string',
  client_Type: 'string',
  client_Model: 'string',
  client_OS: 'string',
  client_IP: 'string',
  client_City: 'string',
  client_StateOrProvince: 'string',
  client_CountryOrRegion: 'string',
  client_Browser: 'string',
  cloud_RoleName: 'string',
  cloud_RoleInstance: 'string',
  appId: 'string',
  appName: 'string',
  iKey: 'string',
  sdkVersion: 'string',
} as const satisfies Record<string, KustoType>;

const measured = { ...common, customMeasurements: 'dynamic' } as const;

/** The tables the gateway's telemetry lands in, with their columns. */
export const APPLICATION_INSIGHTS_TABLES: readonly TableSchema[] = [
  {
    name: 'requests',
    columns: {
      ...measured,
      id: 'string',
      source: 'string',
      name: 'string',
      url: 'string',
      success: 'bool',
      resultCode: 'string',
      duration: 'real',
      performanceBucket: 'string',
    },
  },
  {
    name: 'dependencies',
    columns: {
      ...measured,
      id: 'string',
      target: 'string',
      type: 'string',
      name: 'string',
      data: 'string',
      success: 'bool',
      resultCode: 'string',
      duration: 'real',
      performanceBucket: 'string',
    },
  },
  {
    name: 'customMetrics',
    columns: {
      ...common,
      name: 'string',
      value: 'real',
      valueCount: 'int',
      valueSum: 'real',
      valueMin: 'real',
      valueMax: 'real',
      valueStdDev: 'real',
    },
  },
  {
    name: 'traces',
    columns: { ...measured, message: 'string', severityLevel: 'int' },
  },
  {
    name: 'exceptions',
    columns: {
      ...measured,
      problemId: 'string',
      handledAt: 'string',
      type: 'string',
      message: 'string',
      assembly: 'string',
      method: 'string',
      outerType: 'string',
      outerMessage: 'string',
      outerAssembly: 'string',
      outerMethod: 'string',
      innermostType: 'string',
      innermostMessage: 'string',
      innermostAssembly: 'string',
      innermostMethod: 'string',
      severityLevel: 'int',
      details: 'dynamic',
    },
  },
  {
    name: 'availabilityResults',
    columns: {
      ...measured,
      id: 'string',
      name: 'string',
      location: 'string',
      success: 'bool',
      message: 'string',
      size: 'real',
      duration: 'real',
      performanceBucket: 'string',
    },
  },
  {
    name: 'customEvents',
    columns: { ...measured, name: 'string' },
  },
  {
    name: 'performanceCounters',
    columns: {
      ...common,
      name: 'string',
      category: 'string',
      counter: 'string',
      instance: 'string',
      value: 'real',
    },
  },
];

/** `(col:type, ...)`: the form Kusto's `TableSymbol.From` reads. */
export function schemaText(table: TableSchema): string {
  const columns = Object.entries(table.columns).map(([name, type]) => `${name}:${type}`);
  return `(${columns.join(', ')})`;
}
