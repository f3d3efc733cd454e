// Writes schemas/pgbouncerlintrc.schema.json from the rule list. Run: npx tsx scripts/write-rc-schema.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rcSchema } from '../server/src/analysis/rc-schema';

const target = path.resolve(__dirname, '..', 'schemas', 'pgbouncerlintrc.schema.json');
fs.writeFileSync(target, JSON.stringify(rcSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}`);
