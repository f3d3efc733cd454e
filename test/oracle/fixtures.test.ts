// The shared fixtures, judged by the real PgBouncer (Debian's 1.18 by default; PGBOUNCER_BIN and
// PGBOUNCER_TARGET for another release, as `npm run test:releases` sets them): at the target version
// our engine reports an error for a fixture if and only if PgBouncer refuses to start with it.
// PgBouncer runs in the fixtures folder, so relative paths and %include mean the same to both.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { FIXTURES_DIR, loadFixtures } from '../support/fixtures';
import { ORACLE_TARGET, askPgBouncer, environmentProblems, findPgBouncer } from '../support/pgbouncer-oracle';
import { recordSummary } from '../support/release-summary';

const PGB = `PgBouncer ${ORACLE_TARGET}`;
const tally = { cases: 0, accepted: 0, rejected: 0, disagreements: [] as string[], other: [] as string[] };

describe(`${PGB} agrees with our verdict on every fixture`, { concurrency: 4 }, () => {
  after(() => recordSummary({ suite: 'fixtures', skipped: 0, ...tally }));
  test('the pgbouncer binary is installed', () => {
    findPgBouncer();
  });
  for (const fixture of loadFixtures()) {
    test(fixture.name, async () => {
      const answer = await askPgBouncer(fixture.text, { cwd: FIXTURES_DIR });
      const environment = environmentProblems(answer.log);
      if (environment.length > 0) tally.other.push(`${fixture.name}: refused for the environment`);
      assert.deepEqual(environment, [], 'PgBouncer refused because of the environment');
      const result = lintText(fixture.text, {
        filePath: fixture.iniPath,
        targetVersion: ORACLE_TARGET,
        runDirectory: FIXTURES_DIR,
      });
      const errors = result.findings.filter((f) => f.severity === 'error' && f.code !== 'file-not-found');
      const ours = errors.length > 0 ? 'reject' : 'accept';
      tally.cases++;
      tally[answer.verdict === 'accept' ? 'accepted' : 'rejected']++;
      if (ours !== answer.verdict) {
        const why = ours === 'reject' ? errors.map((f) => f.code).join(', ') : lastComplaint(answer.log);
        tally.disagreements.push(`${fixture.name} (${PGB} ${answer.verdict}s, we ${ours}: ${why})`);
      }
      assert.equal(
        ours,
        answer.verdict,
        [
          `fixture ${fixture.name}: ${PGB} says ${answer.verdict}, we say ${ours}`,
          '--- PgBouncer log',
          ...answer.log,
          '--- our errors',
          ...errors.map((f) => `${f.code}: ${f.message}`),
        ].join('\n'),
      );
    });
  }
});

/** PgBouncer's last FATAL or ERROR line: why it refused. */
function lastComplaint(log: string[]): string {
  return [...log].reverse().find((line) => /^(FATAL|ERROR) /.test(line)) ?? '(no FATAL line)';
}
