/**
 * The KQL files under `queries/` are the one source of every query: dashboards, alert
 * rules and runbooks all point at them by id. Each file opens with `// <ID> <title>`
 * and then comment lines saying what it shows; the catalogue is read from the files, so
 * there is no second list to keep in step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a query is used: the business view, the operational view, or an alert rule. */
export type QueryView = 'business' | 'operational' | 'alerts';

/** One KQL file. */
export interface KqlQuery {
  /** `BIZ-001`, `OPS-004`, `ALERT-002`: the id dashboards, alerts and runbooks use. */
  id: string;
  title: string;
  view: QueryView;
  /** Path from the package root, e.g. `queries/business/biz-001-messages-per-hour.kql`. */
  path: string;
  /** The comment lines after the header, joined: what the query shows. */
  description: string;
  /** The whole file, comments included (Kusto accepts `//` comments). */
  text: string;
}

/** The folder holding the KQL files, beside `src/` and `dist/`. */
export const QUERIES_DIR = fileURLToPath(new URL('../queries/', import.meta.url));

const VIEWS: readonly QueryView[] = ['business', 'operational', 'alerts'];
const HEADER = /^\/\/ ((?:BIZ|OPS|ALERT)-\d{3}) (.+)$/;

let cache: readonly KqlQuery[] | undefined;

/**
 * Every query, read once from disk, ordered by view and id.
 * @throws Error naming the file when one lacks its `// <ID> <title>` header or an id repeats.
 */
export function loadQueries(): readonly KqlQuery[] {
  if (cache !== undefined) return cache;

  const queries: KqlQuery[] = [];
  for (const view of VIEWS) {
    const files = readdirSync(`${QUERIES_DIR}${view}`)
      .filter((name) => name.endsWith('.kql'))
      .sort();
    for (const file of files) queries.push(parseQueryFile(view, file));
  }

  const seen = new Set<string>();
  for (const query of queries) {
    if (seen.has(query.id)) throw new Error(`${query.path}: query id ${query.id} used twice`);
    seen.add(query.id);
  }
  cache = queries;
  return queries;
}

/**
 * The query with this id.
 * @throws Error when no KQL file carries the id.
 */
export function queryById(id: string): KqlQuery {
  const query = loadQueries().find((candidate) => candidate.id === id);
  if (query === undefined) throw new Error(`no KQL file has the id ${id}`);
  return query;
}

/** The query's KQL without its leading comment block: what a workbook tile shows. */
export function queryBody(query: KqlQuery): string {
  const lines = query.text.split('\n');
  const first = lines.findIndex((line) => !line.startsWith('//'));
  return lines.slice(first).join('\n').trim();
}

function parseQueryFile(view: QueryView, file: string): KqlQuery {
  const path = `queries/${view}/${file}`;
  const text = readFileSync(`${QUERIES_DIR}${view}/${file}`, 'utf8');
  const lines = text.split('\n');
  const header = HEADER.exec(lines[0] ?? '');
  if (header === null) throw new Error(`${path}: the first line must be '// <ID> <title>'`);

  const description = lines
    .slice(1)
    .filter((line, index, all) => all.slice(0, index + 1).every((l) => l.startsWith('//')))
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .join(' ');
  return { id: header[1]!, title: header[2]!, view, path, description, text };
}
