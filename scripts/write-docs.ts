// Writes docs/rules.md from the checks and rules. Run: npx tsx scripts/write-docs.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rulesMarkdown } from '../server/src/lint/rules-doc';

const target = path.resolve(__dirname, '..', 'docs', 'rules.md');
fs.writeFileSync(target, rulesMarkdown());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
