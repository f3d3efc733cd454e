// Every "did you mean" is one click: a finding whose message names a replacement (a key, a
// section, an enum value, a connection parameter, a number) carries a fix whose edit writes
// exactly that text. The scan runs over the fixtures, the examples and the texts below, so a new
// message with a suggestion cannot appear without its fix.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/findings/finding';
import { applyEdits } from '../../server/src/findings/fix';
import { loadFixtures } from '../support/fixtures';
import { lintFixtureText } from '../support/fix-variants';

const ROOT = path.resolve(__dirname, '..', '..');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';

/** Messages with a suggestion, one of each kind at least (the fixtures have more). */
const TEXTS: { text: string; targetVersion?: string }[] = [
  { text: `${HEAD}pool_mode = transactions\n` },
  { text: `${HEAD}auth_type = MD5x\n` },
  { text: `${HEAD}pool_mod = session\n` },
  { text: `${HEAD}Pool_Mode = session\n` },
  { text: `${HEAD}'pool_mod' = session\n`, targetVersion: '1.25' },
  { text: `${HEAD}[database]\na = host=h\n` },
  { text: `${HEAD}[Databases]\na = host=h\n` },
  { text: `${HEAD}[Users]\nu = pool_mode=session\n` },
  { text: `[databases]\na = host=h pool_mdoe=session\n\n${HEAD}` },
  { text: `[databases]\na = host=h pool_mode=transactions\n\n${HEAD}` },
  { text: `[databases]\na = host=h pool_mode='sesion'\n\n${HEAD}` },
  { text: `[databases]\n* = host=h pool_mode=sesion\n\n${HEAD}` },
  { text: `[databases]\n* = host=h poolsize=5\n\n${HEAD}` },
  { text: `[users]\nu = pool_mode=statment\n\n${HEAD}` },
  { text: `[users]\nu = max_user_conections=5\n\n${HEAD}` },
  { text: `${HEAD}log_connections = yes\n` },
  { text: `${HEAD}log_connections = 2\n` },
  { text: `${HEAD}server_lifetime = 10min\n` },
  { text: `${HEAD}server_lifetime = 10 fortnights\n` },
  { text: `${HEAD}server_tls_sslmode = requir\n` },
  { text: `${HEAD}client_tls_sslmode = prefered\n` },
  { text: `[databases]\na = host=h reserve_pool=2\n\n${HEAD}`, targetVersion: '1.25' },
];

/** The replacements a message offers: each alternative (a list when it offers a choice). */
function suggestionsIn(message: string): string[][] {
  const found: string[][] = [];
  const patterns: [RegExp, (m: RegExpExecArray) => string[]][] = [
    [/[Dd]id you mean '([^']+)'\?/g, (m) => [m[1]]],
    [/Did you mean \[([^\]]+)\]\?/g, (m) => [m[1]]],
    [/write \[([^\]]+)\]/g, (m) => [m[1]]],
    [/Use '([^']+)'(?: instead)?\./g, (m) => [m[1]]],
    // "write 600 (10 min)", "write 1.", "Write 0 or 1."
    [/[Ww]rite (\d[\d.]*)(?: or (\d[\d.]*))?[ .]/g, (m) => (m[2] ? [m[1], m[2]] : [m[1]])],
  ];
  for (const [pattern, pick] of patterns) {
    for (let m = pattern.exec(message); m; m = pattern.exec(message)) found.push(pick(m));
  }
  return found;
}

/** Whether some fix of the finding writes one of the alternatives where the finding is. */
function fixWrites(text: string, finding: Finding, alternatives: string[]): boolean {
  return (finding.fixes ?? []).some((fix) => {
    const edits = fix.edits.filter((edit) => edit.file === finding.file);
    if (edits.length === 0) return false;
    const after = applyEdits(text, edits);
    // The suggestion is the new text of an edit, quotes of a quoted key or value aside.
    return edits.some((edit) =>
      alternatives.some(
        (alternative) =>
          edit.newText.replace(/^'(.*)'$/, '$1') === alternative && after.includes(alternative),
      ),
    );
  });
}

function check(text: string, findings: readonly Finding[], filePath: string, where: string): string[] {
  const problems: string[] = [];
  for (const finding of findings) {
    if (finding.file !== filePath) continue;
    for (const alternatives of suggestionsIn(finding.message)) {
      if (!fixWrites(text, finding, alternatives)) {
        problems.push(
          `${where}: [${finding.code}] ${finding.message} -> no fix writes ${alternatives.join(' or ')}`,
        );
      }
    }
  }
  return problems;
}

test('the scan finds the suggestions of each kind of message', () => {
  assert.deepEqual(suggestionsIn("Invalid value 'transactions' for pool_mode. Did you mean 'transaction'?"), [
    ['transaction'],
  ]);
  assert.deepEqual(
    suggestionsIn(
      'Unknown section [Databases]. Section names are exact and case-sensitive: write [databases].',
    ),
    [['databases']],
  );
  assert.deepEqual(suggestionsIn('log_connections is a boolean: 2 counts as on (1). Write 0 or 1.'), [
    ['0', '1'],
  ]);
  assert.deepEqual(suggestionsIn('Times are plain numbers of seconds without a unit: write 600 (10 min).'), [
    ['600'],
  ]);
});

test('every finding that suggests a replacement has a fix that writes it', () => {
  const problems: string[] = [];
  let suggestions = 0;
  const scan = (text: string, findings: readonly Finding[], filePath: string, where: string): void => {
    suggestions += findings.filter((f) => f.file === filePath && suggestionsIn(f.message).length > 0).length;
    problems.push(...check(text, findings, filePath, where));
  };
  for (const fixture of loadFixtures()) {
    const result = lintFixtureText(fixture, fixture.text);
    scan(fixture.text, result.findings, result.model.root.path, fixture.name);
  }
  for (const name of fs.readdirSync(path.join(ROOT, 'examples')).filter((file) => file.endsWith('.ini'))) {
    const filePath = path.join(ROOT, 'examples', name);
    const text = fs.readFileSync(filePath, 'utf8');
    scan(text, lintText(text, { filePath, targetVersion: '1.21' }).findings, filePath, name);
  }
  TEXTS.forEach(({ text, targetVersion }, index) => {
    const filePath = '/nonexistent/pgbouncer.ini';
    const result = lintText(text, {
      filePath,
      targetVersion: targetVersion ?? '1.18',
      useProjectFile: false,
    });
    const before = problems.length;
    scan(text, result.findings, filePath, `TEXTS[${index}]`);
    // Each text is here for its suggestion: it must make one.
    if (problems.length === before && !result.findings.some((f) => suggestionsIn(f.message).length > 0)) {
      problems.push(`TEXTS[${index}] makes no suggestion: ${JSON.stringify(text)}`);
    }
  });
  assert.deepEqual(problems, []);
  assert.ok(suggestions >= TEXTS.length, `${suggestions} suggestions scanned`);
});
