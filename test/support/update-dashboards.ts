// Rewrites test/fixtures/monitoring/dashboards/*.dashboard.json from the current generator.
// Run `npx tsx test/support/update-dashboards.ts` after a deliberate change, then review the diff.
import * as fs from 'node:fs';
import { dashboardJson } from '../../server/src/monitoring/dashboard';
import { DASHBOARD_CASES, lintCase, snapshotPath } from './dashboard-cases';

for (const c of DASHBOARD_CASES) {
  fs.writeFileSync(snapshotPath(c), dashboardJson(lintCase(c), c.options));
  console.log(`${c.name}: ${snapshotPath(c)}`);
}
