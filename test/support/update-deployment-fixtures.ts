// Rewrites test/fixtures/deployments/*.expected.json from the current engine:
// `npx tsx test/support/update-deployment-fixtures.ts [NAME...]`, then review the diff.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditDeploymentFixture, DEPLOYMENT_FIXTURES, loadDeploymentFixtures } from './deployment-fixtures';

const only = new Set(process.argv.slice(2));
for (const fixture of loadDeploymentFixtures()) {
  if (only.size > 0 && !only.has(fixture.name)) continue;
  const findings = auditDeploymentFixture(fixture);
  const out = { ...(fixture.targetVersion && { targetVersion: fixture.targetVersion }), findings };
  fs.writeFileSync(
    path.join(DEPLOYMENT_FIXTURES, `${fixture.name}.expected.json`),
    JSON.stringify(out, null, 2) + '\n',
  );
  console.log(`${fixture.name}: ${findings.length} findings`);
}
