import { describe, expect, it } from 'vitest';

import { DASHBOARDS, buildWorkbook, stableGuid } from './dashboards.js';
import { queryBody, queryById } from './queries.js';
import { analyseKql } from './test-support/kql-check.js';

const RESOURCE = '/subscriptions/0000/resourceGroups/rg/providers/microsoft.insights/components/ai';

interface WorkbookItem {
  type: number;
  name: string;
  content: { query?: string; timeContextFromParameter?: string; parameters?: { name: string }[] };
}

const itemsOf = (workbook: object): WorkbookItem[] => (workbook as { items: WorkbookItem[] }).items;

describe('the dashboards', () => {
  it('are API performance, business KPIs and dead letters', () => {
    expect(DASHBOARDS.map((dashboard) => dashboard.id)).toEqual([
      'api-performance',
      'business-kpis',
      'dead-letters',
    ]);
  });

  it('show the whole business view on the business dashboard', () => {
    const business = DASHBOARDS.find((dashboard) => dashboard.id === 'business-kpis');

    expect(business?.tiles.map((tile) => tile.query)).toEqual([
      'BIZ-001',
      'BIZ-002',
      'BIZ-003',
      'BIZ-004',
      'BIZ-005',
    ]);
  });
});

describe.each(DASHBOARDS.map((dashboard) => [dashboard.id, dashboard] as const))(
  'the %s workbook',
  (_id, dashboard) => {
    const workbook = buildWorkbook(dashboard, RESOURCE);
    const tiles = itemsOf(workbook).filter((item) => item.type === 3);

    it('is Azure Workbooks JSON bound to the Application Insights resource', () => {
      const parsed = JSON.parse(JSON.stringify(workbook));

      expect(parsed.version).toBe('Notebook/1.0');
      expect(parsed.fallbackResourceIds).toEqual([RESOURCE]);
      expect(itemsOf(parsed)[0]?.content.parameters?.[0]?.name).toBe('TimeRange');
    });

    it("takes each tile's KQL from its file, unchanged, bound to the time picker", () => {
      expect(tiles).toHaveLength(dashboard.tiles.length);
      dashboard.tiles.forEach((tile, index) => {
        expect(tiles[index]?.content.query).toBe(queryBody(queryById(tile.query)));
        expect(tiles[index]?.content.timeContextFromParameter).toBe('TimeRange');
      });
    });

    it('has tiles whose queries are clean for the Kusto analyser', () => {
      for (const tile of tiles)
        expect(analyseKql(tile.content.query ?? '').diagnostics).toEqual([]);
    });
  },
);

describe('stableGuid', () => {
  it('is a GUID, the same for the same name and different for another', () => {
    const guid = stableGuid('business-kpis');

    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableGuid('business-kpis')).toBe(guid);
    expect(stableGuid('dead-letters')).not.toBe(guid);
  });
});

describe('buildWorkbook', () => {
  it('refuses a tile naming a query no file has', () => {
    const broken = {
      ...DASHBOARDS[0]!,
      tiles: [{ query: 'OPS-999', visualization: 'table' as const, widthPercent: 100 as const }],
    };

    expect(() => buildWorkbook(broken, RESOURCE)).toThrow('no KQL file has the id OPS-999');
  });
});
