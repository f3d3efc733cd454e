// Writes docs/rules.md and docs/fixes.md from the checks, rules and fix classes, formatted as
// Prettier formats them (the tests compare). Run: npx tsx scripts/write-docs.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { fixesMarkdown } from '../server/src/analysis/fix-classes';
import { rulesMarkdown } from '../server/src/analysis/rules-doc';
import { deploymentRulesMarkdown } from '../server/src/deployment/descriptions';

async function write(name: string, markdown: string): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const target = path.join(root, 'docs', name);
  const options = { parser: 'markdown', ...(await prettier.resolveConfig(root)) };
  fs.writeFileSync(target, await prettier.format(markdown, options));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

void (async () => {
  await write('rules.md', rulesMarkdown() + deploymentRulesMarkdown());
  await write('fixes.md', fixesMarkdown());
})();
