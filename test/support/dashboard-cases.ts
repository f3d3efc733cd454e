// The configurations whose dashboards are kept as reviewed snapshots (test/fixtures/monitoring/dashboards/),
// shared by the test and by update-dashboards.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import type { DashboardOptions } from '../../server/src/monitoring/dashboard';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DASHBOARD_FIXTURES = 'test/fixtures/monitoring/dashboards';

export interface DashboardCase {
  name: string;
  /** Relative to the repository root: it is the dashboard's title and uid. */
  ini: string;
  targetVersion?: string;
  options?: DashboardOptions;
}

export const DASHBOARD_CASES: readonly DashboardCase[] = [
  { name: 'pools', ini: `${DASHBOARD_FIXTURES}/pools.ini` },
  {
    name: 'minimal',
    ini: `${DASHBOARD_FIXTURES}/minimal.ini`,
    targetVersion: '1.18',
    options: {
      selector: 'job="pgbouncer", env="prod"',
      warningPercent: 70,
      criticalPercent: 90,
      title: 'PgBouncer prod',
    },
  },
];

export function lintCase(c: DashboardCase): LintResult {
  const text = fs.readFileSync(path.join(ROOT, c.ini), 'utf8');
  // Relative to the root, as the CLI is given it from there: the snapshot holds no machine's path.
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return lintText(text, { filePath: c.ini, targetVersion: c.targetVersion, useProjectFile: false });
  } finally {
    process.chdir(cwd);
  }
}

export function snapshotPath(c: DashboardCase): string {
  return path.join(ROOT, DASHBOARD_FIXTURES, `${c.name}.dashboard.json`);
}
