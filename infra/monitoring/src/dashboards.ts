/**
 * The three dashboards as data (which query in which tile, drawn how) and the Azure
 * Workbook JSON built from them. Tiles name a query id; the KQL comes from the query's
 * file each time a workbook is built, so a dashboard can never show a stale copy.
 */
import { createHash } from 'node:crypto';

import { queryBody, queryById } from './queries.js';

/** How a tile draws its rows (Azure Workbooks' visualization names). */
export type Visualization = 'table' | 'timechart' | 'barchart' | 'piechart' | 'areachart';

/** One tile: a query drawn one way. */
export interface Tile {
  query: string;
  visualization: Visualization;
  /** Share of the row's width, percent. */
  widthPercent: 50 | 100;
}

/** One dashboard. */
export interface Dashboard {
  /** Stable id: the workbook's resource name is derived from it. */
  id: 'api-performance' | 'business-kpis' | 'dead-letters';
  title: string;
  /** Markdown shown above the tiles. */
  intro: string;
  tiles: readonly Tile[];
}

/** The dashboards the Pulumi program publishes as shared workbooks. */
export const DASHBOARDS: readonly Dashboard[] = [
  {
    id: 'api-performance',
    title: 'HL7 gateway: API performance',
    intro:
      'Request time against the 2,000 ms P95 target, errors against the 0.1% target, ' +
      'dependencies, bus lag and the availability test behind the 99.9% SLO.',
    tiles: [
      { query: 'OPS-001', visualization: 'table', widthPercent: 100 },
      { query: 'OPS-002', visualization: 'timechart', widthPercent: 50 },
      { query: 'OPS-009', visualization: 'timechart', widthPercent: 50 },
      { query: 'OPS-003', visualization: 'barchart', widthPercent: 50 },
      { query: 'OPS-004', visualization: 'timechart', widthPercent: 50 },
      { query: 'OPS-008', visualization: 'timechart', widthPercent: 100 },
    ],
  },
  {
    id: 'business-kpis',
    title: 'HL7 gateway: business KPIs',
    intro: 'How many results flow, how many succeed, how long they take, and what fails.',
    tiles: [
      { query: 'BIZ-001', visualization: 'timechart', widthPercent: 50 },
      { query: 'BIZ-002', visualization: 'timechart', widthPercent: 50 },
      { query: 'BIZ-003', visualization: 'timechart', widthPercent: 50 },
      { query: 'BIZ-004', visualization: 'barchart', widthPercent: 50 },
      { query: 'BIZ-005', visualization: 'table', widthPercent: 100 },
    ],
  },
  {
    id: 'dead-letters',
    title: 'HL7 gateway: dead letters',
    intro:
      'Parked messages by category and sender, and the replays. Replay through the ' +
      'operator API (docs/runbooks/replay-dead-letters.md).',
    tiles: [
      { query: 'OPS-005', visualization: 'timechart', widthPercent: 50 },
      { query: 'BIZ-004', visualization: 'barchart', widthPercent: 50 },
      { query: 'OPS-006', visualization: 'table', widthPercent: 100 },
      { query: 'OPS-007', visualization: 'timechart', widthPercent: 100 },
    ],
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A stable GUID from a name (SHA-256 shaped as a version-8 UUID): workbooks are
 * addressed by GUID, and the same dashboard must keep the same one across deployments.
 */
export function stableGuid(name: string): string {
  const hex = createHash('sha256').update(`hl7gw:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

/**
 * The workbook document (Azure Workbooks' `Notebook/1.0` format) of a dashboard: a time
 * range picker, the intro, then one query tile per tile, each bound to the picker.
 * @param resourceId The Application Insights resource the queries run against.
 * @throws Error when a tile names a query no KQL file has.
 */
export function buildWorkbook(dashboard: Dashboard, resourceId: string): object {
  const timeRange = {
    type: 9,
    name: 'parameters',
    content: {
      version: 'KqlParameterItem/1.0',
      style: 'pills',
      queryType: 0,
      resourceType: 'microsoft.insights/components',
      parameters: [
        {
          id: stableGuid(`${dashboard.id}/TimeRange`),
          version: 'KqlParameterItem/1.0',
          name: 'TimeRange',
          label: 'Time range',
          type: 4,
          isRequired: true,
          value: { durationMs: DAY_MS },
          typeSettings: {
            allowCustom: true,
            selectableValues: [1, 6, 24, 72, 168, 720].map((hours) => ({
              durationMs: hours * 60 * 60 * 1000,
            })),
          },
        },
      ],
    },
  };

  const intro = {
    type: 1,
    name: 'intro',
    content: { json: `## ${dashboard.title}\n\n${dashboard.intro}` },
  };

  const tiles = dashboard.tiles.map((tile) => {
    const query = queryById(tile.query);
    return {
      type: 3,
      name: `${query.id} ${query.title}`,
      customWidth: String(tile.widthPercent),
      content: {
        version: 'KqlItem/1.0',
        title: `${query.title} (${query.id})`,
        query: queryBody(query),
        size: 0,
        queryType: 0,
        resourceType: 'microsoft.insights/components',
        timeContextFromParameter: 'TimeRange',
        timeContext: { durationMs: DAY_MS },
        visualization: tile.visualization,
      },
    };
  });

  return {
    version: 'Notebook/1.0',
    items: [timeRange, intro, ...tiles],
    isLocked: false,
    fallbackResourceIds: [resourceId],
    $schema:
      'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json',
  };
}
