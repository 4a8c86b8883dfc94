/**
 * `npm run workbooks -- <out-dir> [app-insights-resource-id]`: writes each dashboard's
 * workbook JSON, built from the KQL files as the Pulumi program builds it, for review or a
 * manual import ("Advanced editor" in the portal). The files are output, not sources: the
 * KQL files stay the only copy of each query.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DASHBOARDS, buildWorkbook } from './dashboards.js';

const [outDir, resourceId = '<application-insights-resource-id>'] = process.argv.slice(2);
if (outDir === undefined) {
  console.error('usage: npm run workbooks -- <out-dir> [app-insights-resource-id]');
  process.exit(2);
}

mkdirSync(resolve(outDir), { recursive: true });
for (const dashboard of DASHBOARDS) {
  const path = join(resolve(outDir), `${dashboard.id}.workbook.json`);
  writeFileSync(path, `${JSON.stringify(buildWorkbook(dashboard, resourceId), null, 2)}\n`);
  console.log(path);
}
