// Rewrites the "diagnostics" of every test/fixtures/*.expected.json from the current engine.
// Run `npx tsx test/support/update-fixtures.ts [NAME...]` after a deliberate change, then
// review the diff: the expected files are the reviewed record of what users see.

import * as fs from 'node:fs';
import { lintFixture, loadFixtures } from './fixtures';

const only = new Set(process.argv.slice(2));
for (const fixture of loadFixtures()) {
  if (only.size > 0 && !only.has(fixture.name)) continue;
  const expected = { ...fixture.expected, diagnostics: lintFixture(fixture) };
  fs.writeFileSync(
    fixture.iniPath.replace(/\.ini$/, '.expected.json'),
    JSON.stringify(expected, null, 2) + '\n',
  );
  console.log(`${fixture.name}: ${expected.diagnostics.length} diagnostics`);
}
