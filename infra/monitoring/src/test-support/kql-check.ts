/**
 * Checks KQL with Microsoft's own Kusto parser and binder (`@kusto/language-service-next`,
 * the engine behind the portal's query editor) against the declared Application Insights
 * tables: syntax errors, unknown tables, columns and functions, and type errors all come
 * back as diagnostics. Used by the tests; nothing at run time depends on it.
 */
import { createRequire } from 'node:module';

import { APPLICATION_INSIGHTS_TABLES, schemaText } from '../schema.js';

/** One problem the Kusto analyser found. */
export interface KqlDiagnostic {
  severity: string;
  code: string;
  message: string;
  /** 1-based line and column of the problem in the checked text. */
  line: number;
  column: number;
}

// The package is a Bridge.NET build of Kusto.Language: two scripts that define globals.
interface KustoGlobals {
  Kusto: { Language: KustoLanguage };
  Bridge: { toArray<T>(list: unknown): T[] };
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { From(schema: string): { WithName(name: string): unknown } };
    DatabaseSymbol: { ctor: new (name: string, tables: unknown[]) => unknown };
  };
  GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
  KustoCode: {
    ParseAndAnalyze(text: string, globals: unknown): AnalysedCode;
  };
}
interface AnalysedCode {
  GetDiagnostics(): unknown;
  ResultType: { Columns?: unknown } | null;
}
interface RawColumn {
  Name: string;
  Type: { Name: string };
}
interface RawDiagnostic {
  Severity: string;
  Code: string;
  Message: string;
  Start: number;
}

let globals: unknown;
let kusto: KustoGlobals | undefined;

function analyser(): { kusto: KustoGlobals; globals: unknown } {
  if (kusto === undefined) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next');
    kusto = globalThis as unknown as KustoGlobals;
    const { Symbols, GlobalState } = kusto.Kusto.Language;
    const tables = APPLICATION_INSIGHTS_TABLES.map((table) =>
      Symbols.TableSymbol.From(schemaText(table)).WithName(table.name),
    );
    globals = GlobalState.Default.WithDatabase(
      new Symbols.DatabaseSymbol.ctor('applicationinsights', tables),
    );
  }
  return { kusto, globals };
}

/** What the analyser says about one query. */
export interface KqlAnalysis {
  /** Empty when the query is clean. */
  diagnostics: KqlDiagnostic[];
  /** The result's columns and their Kusto types, e.g. `{ errorRatePercent: 'real' }`. */
  resultColumns: Record<string, string>;
}

/** Parses and binds `text` against the Application Insights tables. */
export function analyseKql(text: string): KqlAnalysis {
  const { kusto: k, globals: state } = analyser();
  const code = k.Kusto.Language.KustoCode.ParseAndAnalyze(text, state);

  const resultColumns: Record<string, string> = {};
  const columns = code.ResultType?.Columns;
  if (columns !== undefined) {
    for (const column of k.Bridge.toArray<RawColumn>(columns)) {
      resultColumns[column.Name] = column.Type.Name;
    }
  }

  const diagnostics = k.Bridge.toArray<RawDiagnostic>(code.GetDiagnostics()).map((raw) => {
    const before = text.slice(0, raw.Start).split('\n');
    return {
      severity: raw.Severity,
      code: raw.Code,
      message: raw.Message,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
    };
  });
  return { diagnostics, resultColumns };
}

/** The `hl7gw.*` metric names a query's text mentions in string literals. */
export function metricNamesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/["'](hl7gw\.[a-z0-9_.]+)["']/g)) names.add(match[1]!);
  return [...names].sort();
}
