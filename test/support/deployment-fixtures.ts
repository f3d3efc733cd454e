// The deployment fixtures: small repositories under test/fixtures/deployments/NAME/, each beside
// NAME.expected.json with what the audit reports in them (file, line, severity, code, message) as
// users see it. Used by the unit test, the CLI test and the language server test alike.
// `npx tsx test/support/update-deployment-fixtures.ts [NAME...]` rewrites the expectations; review the diff.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditFolder } from '../../server/src/deployment/run';
import { LineIndex } from '../../server/src/syntax/syntax';

export const DEPLOYMENT_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'deployments');

export interface ExpectedDeploymentFinding {
  /** Relative to the fixture's folder. */
  file: string;
  line: number;
  severity: string;
  code: string;
  message: string;
}

export interface DeploymentFixture {
  name: string;
  dir: string;
  /** The PgBouncer release the fixture is audited for when no image tag says (as --target-version). */
  targetVersion?: string;
  expected: ExpectedDeploymentFinding[];
}

export function loadDeploymentFixtures(): DeploymentFixture[] {
  return fs
    .readdirSync(DEPLOYMENT_FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const file = path.join(DEPLOYMENT_FIXTURES, `${entry.name}.expected.json`);
      const data = fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, 'utf8')) as {
            targetVersion?: string;
            findings: ExpectedDeploymentFinding[];
          })
        : { findings: [] };
      return {
        name: entry.name,
        dir: path.join(DEPLOYMENT_FIXTURES, entry.name),
        ...(data.targetVersion && { targetVersion: data.targetVersion }),
        expected: data.findings,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What the audit reports in the fixture, as ExpectedDeploymentFinding, in file and line order. */
export function auditDeploymentFixture(
  fixture: Pick<DeploymentFixture, 'dir' | 'targetVersion'>,
): ExpectedDeploymentFinding[] {
  const audit = auditFolder(
    fixture.dir,
    fixture.targetVersion ? { lintOptions: { targetVersion: fixture.targetVersion } } : {},
  );
  const indexes = new Map<string, LineIndex>();
  const lineOf = (file: string, offset: number): number => {
    let index = indexes.get(file);
    const text =
      audit.deployment.texts.get(file) ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    if (!index) indexes.set(file, (index = new LineIndex(text)));
    return index.positionAt(offset).line + 1;
  };
  const found = audit.findings.map((finding) => ({
    file: path.relative(fixture.dir, finding.file),
    line: lineOf(finding.file, finding.span.start),
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
  }));
  // Findings in the pgbouncer.ini files of the deployment, as the CLI reports them beside these.
  for (const pooler of audit.deployment.poolers) {
    if (pooler.generated) continue;
    for (const finding of pooler.lint.findings) {
      found.push({
        file: path.relative(fixture.dir, finding.file),
        line: lineOf(finding.file, finding.span.start),
        severity: finding.severity,
        code: finding.code,
        message: finding.message,
      });
    }
  }
  return found.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : 1),
  );
}
