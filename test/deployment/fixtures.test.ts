// Every deployment fixture (test/fixtures/deployments/NAME/ beside NAME.expected.json) audited as a
// user's repository: the findings, their files, lines and messages are what the expected file says.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditDeploymentFixture, loadDeploymentFixtures } from '../support/deployment-fixtures';

const fixtures = loadDeploymentFixtures();

test('there are deployment fixtures of each kind the issue names', () => {
  const names = fixtures.map((fixture) => fixture.name);
  for (const kind of ['edoburu', 'bitnami', 'cloudnative-pg', 'spring', 'prisma']) {
    assert.ok(
      names.some((name) => name.includes(kind)),
      `a fixture for ${kind}`,
    );
  }
});

for (const fixture of fixtures) {
  test(`deployment fixture ${fixture.name}`, () => {
    assert.deepEqual(auditDeploymentFixture(fixture), fixture.expected);
  });
}

test('no fixture message shows a password of its repository', () => {
  const secrets = ['change-me', 's3cret-for-tests', 'an4lytics', 'orders-pw', 'postgres@'];
  for (const fixture of fixtures) {
    for (const finding of fixture.expected) {
      for (const secret of secrets)
        assert.ok(!finding.message.includes(secret), `${fixture.name}: ${finding.message}`);
    }
  }
});
