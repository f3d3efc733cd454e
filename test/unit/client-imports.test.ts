// The client imports the server only through server/src/api.ts, so that the server's internals can
// change without the client noticing (issue #12). Until a dependency checker keeps this rule, this
// test does: it reads every module specifier of client/src by pattern, which errs on the strict
// side (a specifier in a comment counts too).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'client');
const SERVER_API = path.join(ROOT, 'server', 'src', 'api');

/** `from '…'`, `import '…'`, `import('…')` and `require('…')`: static, dynamic and type-level imports. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

test('every import in client/src that leaves client/ goes to server/src/api.ts', () => {
  const files = typeScriptFiles(path.join(CLIENT, 'src'));
  assert.ok(files.length > 20, `client/src has ${files.length} .ts files`);
  const outside: string[] = [];
  let throughApi = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[2];
      const where = `${path.relative(ROOT, file)}: '${specifier}'`;
      if (path.isAbsolute(specifier)) {
        outside.push(where);
        continue;
      }
      if (!specifier.startsWith('.')) continue; // a package (vscode, pg, node:…)
      const target = path.resolve(path.dirname(file), specifier).replace(/\.ts$/, '');
      if (target === SERVER_API) throughApi++;
      else if (path.relative(CLIENT, target).startsWith('..')) outside.push(where);
    }
  }
  assert.deepEqual(outside, [], 'imports from outside client/ other than server/src/api.ts');
  assert.ok(throughApi > 0, 'the pattern finds the imports of server/src/api.ts');
});
