// Every fix, checked by the real PgBouncer 1.18: after a fix, PgBouncer's verdict on the file
// still agrees with ours, and a fixture written for 1.18 that PgBouncer accepted is still accepted.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { fixVariants } from '../support/fix-variants';
import { FIXTURES_DIR, loadFixtures } from '../support/fixtures';
import { askPgBouncer, findPgBouncer } from '../support/pgbouncer-oracle';

const variants = loadFixtures().flatMap((fixture) => fixVariants(fixture));

describe('PgBouncer 1.18 accepts what our fixes write', { concurrency: 4 }, () => {
  test('the pgbouncer binary is installed', () => {
    findPgBouncer();
  });
  for (const variant of variants) {
    const { fixture, fix, finding } = variant;
    test(`${fixture.name}: ${finding.code}: ${fix.title}`, async () => {
      const after = await askPgBouncer(variant.text, { cwd: FIXTURES_DIR });
      const errors = lintText(variant.text, {
        filePath: fixture.iniPath,
        targetVersion: '1.18',
        runDirectory: FIXTURES_DIR,
      }).findings.filter((f) => f.severity === 'error' && f.code !== 'file-not-found');
      const ours = errors.length > 0 ? 'reject' : 'accept';
      const explain = (): string =>
        [
          `--- fixed text`,
          variant.text,
          `--- PgBouncer log`,
          ...after.log,
          `--- our errors`,
          ...errors.map((e) => e.message),
        ].join('\n');
      assert.equal(
        ours,
        after.verdict,
        `after the fix PgBouncer says ${after.verdict}, we say ${ours}\n${explain()}`,
      );
      if (fixture.expected.targetVersion === '1.18') {
        const before = await askPgBouncer(fixture.text, { cwd: FIXTURES_DIR });
        if (before.verdict === 'accept') {
          assert.equal(
            after.verdict,
            'accept',
            `PgBouncer accepted the file before the fix, not after\n${explain()}`,
          );
        }
      }
    });
  }
});
