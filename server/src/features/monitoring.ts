// "PgBouncer: Generate Alert Rules" and "Generate Dashboard": what the server writes for an open
// pgbouncer.ini, with the file name the client saves it under beside the configuration.

import * as path from 'node:path';
import type { LintResult } from '../analysis/engine';
import { dashboardJson } from '../monitoring/dashboard';
import type { GenerateMonitoringParams, GenerateMonitoringResult } from '../protocol';

export function generateMonitoring(
  result: LintResult,
  params: GenerateMonitoringParams,
): GenerateMonitoringResult {
  const base = path.basename(result.model.root.path).replace(/\.ini$/i, '') || 'pgbouncer';
  const thresholds = {
    ...(params.warningPercent !== undefined && { warningPercent: params.warningPercent }),
    ...(params.criticalPercent !== undefined && { criticalPercent: params.criticalPercent }),
  };
  return { text: dashboardJson(result, thresholds), fileName: `${base}.dashboard.json` };
}
