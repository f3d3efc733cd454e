// `pgbouncer-lint --report DIR`: the deployment report of a directory (report/deployment-report.ts),
// with the one-file report of each of its pgbouncer.ini files embedded, links relative to the current
// directory like the one-file report's (cli/format-report.ts).

import * as path from 'node:path';
import type { FolderAudit } from '../deployment/run';
import { buildAuditReport } from '../report/audit-report';
import { buildDeploymentReport } from '../report/deployment-report';
import { displayPath } from './diagnostics';
import { relativeLink } from './format-report';

export function formatDeploymentReport(
  audit: FolderAudit,
  context: { directory: string; cwd: string; date?: string },
): string {
  const { cwd, date } = context;
  const link = (filePath: string) => {
    const base = relativeLink(path.resolve(cwd, filePath), cwd);
    return (line: number) => `${base}#L${line}`;
  };
  return buildDeploymentReport(audit, {
    folderLabel: context.directory,
    fileLink: (filePath, line) => link(filePath)(line),
    ...(date !== undefined && { date }),
    // Without a lint function: the pooler was linted as its container runs it (release, mounted files),
    // which the report cannot repeat, so the changes shown are one round of fixes.
    fileReport: (pooler) =>
      buildAuditReport(pooler.lint, {
        fileLabel: displayPath(pooler.iniPath, cwd),
        fileLink: link(pooler.iniPath),
        includedFile: (filePath) => ({ label: displayPath(filePath, cwd), link: link(filePath) }),
        ...(date !== undefined && { date }),
        embedded: true,
      }),
  });
}
