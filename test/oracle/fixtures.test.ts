// The shared fixtures, judged by the real PgBouncer 1.18: with target version 1.18 our engine
// reports an error for a fixture if and only if PgBouncer refuses to start with it. PgBouncer runs
// in the fixtures folder, so relative paths and %include mean the same to both.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { FIXTURES_DIR, loadFixtures } from '../support/fixtures';
import { askPgBouncer, environmentProblems, findPgBouncer } from '../support/pgbouncer-oracle';

describe('PgBouncer 1.18 agrees with our verdict on every fixture', { concurrency: 4 }, () => {
  test('the pgbouncer binary is installed', () => {
    findPgBouncer();
  });
  for (const fixture of loadFixtures()) {
    test(fixture.name, async () => {
      const answer = await askPgBouncer(fixture.text, { cwd: FIXTURES_DIR });
      assert.deepEqual(environmentProblems(answer.log), [], 'PgBouncer refused because of the environment');
      const result = lintText(fixture.text, {
        filePath: fixture.iniPath,
        targetVersion: '1.18',
        runDirectory: FIXTURES_DIR,
      });
      const errors = result.findings.filter((f) => f.severity === 'error' && f.code !== 'file-not-found');
      const ours = errors.length > 0 ? 'reject' : 'accept';
      assert.equal(
        ours,
        answer.verdict,
        [
          `fixture ${fixture.name}: PgBouncer 1.18 says ${answer.verdict}, we say ${ours}`,
          '--- PgBouncer log',
          ...answer.log,
          '--- our errors',
          ...errors.map((f) => `${f.code}: ${f.message}`),
        ].join('\n'),
      );
    });
  }
});
