import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFixture, loadFixtures } from '../support/fixtures';

const fixtures = loadFixtures();

test('there are fixtures to check', () => {
  assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures found`);
});

for (const fixture of fixtures) {
  test(`fixture ${fixture.name}: ${fixture.expected.description}`, () => {
    assert.deepEqual(lintFixture(fixture), fixture.expected.diagnostics);
  });
}
