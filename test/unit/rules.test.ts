import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATEGORIES } from '../../server/src/rules/rule';
import { RULES } from '../../server/src/rules';
import { CHECKS } from '../../server/src/checks/check-list';
import { codeCounts, fixVariants, lintFixtureText } from '../support/fix-variants';
import { loadFixtures } from '../support/fixtures';

const fixtures = loadFixtures();

test('rules have stable kebab-case ids, a category, never error by default, and documentation', () => {
  const ids = new Set<string>();
  for (const rule of RULES) {
    assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, rule.id);
    assert.ok(!ids.has(rule.id), `duplicate rule id ${rule.id}`);
    assert.ok(!CHECKS.has(rule.id), `rule id ${rule.id} is also a check id`);
    ids.add(rule.id);
    assert.ok(CATEGORIES.includes(rule.category), `${rule.id}: category ${rule.category}`);
    // Errors mean "PgBouncer refuses to start"; audit findings are about configs that do start.
    assert.notEqual(rule.severity.production, 'error', rule.id);
    assert.notEqual(rule.severity.development, 'error', rule.id);
    assert.ok(rule.title.length > 10 && rule.docs.why.length > 40 && rule.docs.fix.length > 20, rule.id);
    assert.match(rule.docs.link, /^https:\/\/www\.pgbouncer\.org\//, rule.id);
  }
});

for (const rule of RULES) {
  test(`rule ${rule.id} has a fixture where it fires and one where it does not`, () => {
    const own = fixtures.filter((f) => f.expected.only?.includes(rule.id));
    const counts = own.map((f) => f.expected.diagnostics.filter((d) => d.code === rule.id).length);
    assert.ok(
      counts.some((n) => n > 0),
      `no fixture in test/fixtures/rules where ${rule.id} fires`,
    );
    assert.ok(
      counts.some((n) => n === 0),
      `no fixture in test/fixtures/rules where ${rule.id} stays quiet`,
    );
  });
}

const variants = fixtures.flatMap((fixture) => fixVariants(fixture));

test('there are fixes to test', () => {
  assert.ok(variants.length >= 5, `only ${variants.length} fixes found on the fixtures`);
});

for (const variant of variants) {
  const { fixture, finding, fix } = variant;
  test(`fix "${fix.title}" on ${fixture.name} removes its ${finding.code} finding and adds none it does not name`, () => {
    const before = codeCounts(lintFixtureText(fixture, fixture.text).findings);
    const after = codeCounts(lintFixtureText(fixture, variant.text).findings);
    assert.ok(
      (after.get(finding.code) ?? 0) < (before.get(finding.code) ?? 0),
      `${finding.code} is still reported after the fix:\n${variant.text}`,
    );
    // A guess whose result has a finding of its own says so in its title (analysis/verify.ts).
    const named = new Set(/ \(then: ([a-z-, ]+)\)$/.exec(fix.title)?.[1].split(', ') ?? []);
    if (named.size > 0) assert.equal(fix.kind, 'suggestion', fix.title);
    for (const [code, count] of after) {
      if (named.has(code)) continue;
      assert.ok(
        count <= (before.get(code) ?? 0),
        `the fix added a ${code} finding (${before.get(code) ?? 0} -> ${count}):\n${variant.text}`,
      );
    }
  });
}
