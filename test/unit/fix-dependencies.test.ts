// Fixes resting on a line with an error are held back (server/src/analysis/dependencies.ts): what a
// rule read is noted, an error taints what its line is part of, and "Fix all", --fix and --fix=all
// skip what is tainted. Then, over the fixtures with one line broken in turn: nothing --fix or
// --fix=all applies on the broken file is a fix the intact file, or the file without that line,
// would not get, and no such fix edits the broken line.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CodeActionParams } from 'vscode-languageserver';
import { lintText } from '../../server/src/analysis/engine';
import type { LintOptions, LintResult } from '../../server/src/analysis/engine';
import { codeActions, fixAllEdits } from '../../server/src/features/codeActions';
import { fixesToApply, fixText } from '../../server/src/analysis/fix-all';
import { applyEdits } from '../../server/src/findings/fix';
import type { FixMode } from '../../server/src/analysis/fix-all';
import type { Fix } from '../../server/src/findings/fix';
import type { Finding } from '../../server/src/findings/finding';
import { DIAGNOSTIC_SOURCE } from '../../server/src/protocol';
import { loadFixtures, runDirectoryOf } from '../support/fixtures';
import { memoryFileSystem } from '../support/memory-fs';

const DIR = '/virtual';
const FILE = path.join(DIR, 'pgbouncer.ini');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';

function lint(text: string, rules: Record<string, 'warning' | 'off'> = {}): LintResult {
  return lintText(text, {
    filePath: FILE,
    runDirectory: DIR,
    useProjectFile: false,
    // 1.21: the first with max_prepared_statements.
    targetVersion: '1.21',
    fileSystem: memoryFileSystem({}, [DIR]),
    rules,
  });
}

function fixesOf(result: LintResult, code: string): Fix[] {
  const found = result.findings.filter((finding) => finding.code === code);
  assert.equal(found.length, 1, `one ${code} expected, got ${found.length}`);
  return found[0].fixes ?? [];
}

const SESION = `[databases]\napp = host=127.0.0.1 dbname=app pool_mode=sesion\n\n${HEAD}pool_mode = transaction\nserver_reset_query = DISCARD ALL\n`;

test('an invalid pool_mode may be session once corrected: server_reset_query is not called unused', () => {
  const codes = (text: string) => lint(text).findings.map((finding) => finding.code);
  assert.ok(!codes(SESION).includes('reset-query-ignored'));
  const inUsers = `[users]\nbob = pool_mode=sesion\n\n${HEAD}pool_mode = transaction\nserver_reset_query = DISCARD ALL\n`;
  assert.ok(!codes(inUsers).includes('reset-query-ignored'));
  const global = `${HEAD}pool_mode = transactoin\nserver_reset_query = DISCARD ALL\n`;
  assert.ok(!codes(global).includes('reset-query-ignored'));
  // Corrected to transaction, the finding and its safe fix are back.
  const corrected = lint(SESION.replace('sesion', 'transaction'));
  assert.equal(fixesOf(corrected, 'reset-query-ignored')[0].withheld, undefined);
});

test('an error in a [databases] entry holds back the fixes of rules that read the databases, not the others', () => {
  const text = `${SESION}client_idle_timeout = 0\n`;
  const result = lint(text);
  const [prepared] = fixesOf(result, 'prepared-statements-disabled');
  assert.equal(prepared.withheld, 'line 2 has an error: invalid-value');
  assert.ok(prepared.dependsOn?.includes('section:databases'));
  const [idle] = fixesOf(result, 'client-idle-timeout-disabled');
  assert.equal(idle.withheld, undefined);
  assert.deepEqual(idle.dependsOn, ['setting:client_idle_timeout']);
  const applied = fixesToApply(result, 'all').map((fix) => fix.title);
  assert.ok(applied.includes('Set client_idle_timeout = 900 (15 minutes)'));
  assert.ok(
    !applied.some((title) => /max_prepared_statements|idle_transaction_timeout/.test(title)),
    applied.join(),
  );
});

test('rules that share a cached result are all charged with what computing it read', () => {
  // Both rules take the pool modes from one computation per lint.
  const result = lint(`[databases]\napp = host=h pool_mode=transaction\n\n${HEAD}`);
  for (const code of ['prepared-statements-disabled', 'idle-transaction-timeout-missing']) {
    assert.ok(fixesOf(result, code)[0].dependsOn?.includes('section:databases'), code);
  }
});

test('an invalid [pgbouncer] value taints that setting; an unknown key taints every setting', () => {
  const invalid = lint(`${HEAD}log_pooler_errors = 0\nlog_disconnections = yes\n`);
  assert.match(
    fixesOf(invalid, 'log-pooler-errors-off')[0].withheld ?? '',
    /^line 4 has an error: invalid-value$/,
  );
  assert.equal(fixesOf(invalid, 'syslog-disabled')[0].withheld, undefined);

  // 'client_idle_timout' may be the misspelling of the setting the rule finds missing.
  const unknown = lint(`[databases]\na = host=h\na = host=h2\n\n${HEAD}client_idle_timout = 600\n`);
  assert.match(fixesOf(unknown, 'client-idle-timeout-disabled')[0].withheld ?? '', /^line 7 has an error/);
  assert.equal(fixesOf(unknown, 'duplicate-database')[0].withheld, undefined);
  // Its own fix, the rename, is applied; then nothing holds the others back.
  const fixed = fixText(unknown.model.root.parsed.text, unknown, (next) => lint(next), 'all').text;
  assert.match(fixed, /^client_idle_timeout = 600$/m);
  assert.doesNotMatch(fixed, /= 900/);
});

test('a syntax error holds back every fix; a byte order mark, or a NUL at the very end, none', () => {
  const text = `[databases]\na = host=h\na = host=h2\n\n${HEAD}client_idle_timeout = 0\n`;
  const broken = lint(`${text}[oops\n`);
  for (const code of ['duplicate-database', 'client-idle-timeout-disabled']) {
    assert.match(fixesOf(broken, code)[0].withheld ?? '', /^line 8 has an error that affects the whole file/);
  }
  assert.deepEqual(fixesToApply(broken, 'all'), []);
  for (const variant of [`\ufeff${text}`, `${text}\0`, `${text}\0\n`]) {
    const result = lint(variant);
    assert.equal(fixesOf(result, 'duplicate-database')[0].withheld, undefined, JSON.stringify(variant));
  }
  // More text after a NUL: PgBouncer ignores it, the linter cannot see it.
  const hidden = lint(`${text}\0client_idle_timeout = 600\n`);
  assert.match(
    fixesOf(hidden, 'client-idle-timeout-disabled')[0].withheld ?? '',
    /hides part of the configuration/,
  );
});

test('a duplicate whose earlier line has an error is not removed as "without effect"', () => {
  const result = lint(`${HEAD}max_client_conn = 10x\nmax_client_conn = 200\n`);
  assert.match(
    fixesOf(result, 'duplicate-setting')[0].withheld ?? '',
    /^line 3 has an error: invalid-value$/,
  );
});

test('the light bulb shows a held-back fix with the reason, not preferred; Fix all leaves it out', () => {
  const text = `${SESION}max_prepared_statements = 0\nclient_idle_timeout = 0\nclient_idle_timeout = 0\n`;
  const result = lint(text);
  const finding = result.findings.find((f) => f.code === 'prepared-statements-disabled') as Finding;
  const range = result.model.root.parsed.lineIndex.rangeOf(finding.span);
  const params: CodeActionParams = {
    textDocument: { uri: 'file:///virtual/pgbouncer.ini' },
    range,
    context: {
      diagnostics: [{ range, message: finding.message, code: finding.code, source: DIAGNOSTIC_SOURCE }],
    },
  };
  const [action] = codeActions('file:///virtual/pgbouncer.ini', FILE, result, params);
  assert.equal(
    action.title,
    'Set max_prepared_statements = 200 (held back while line 2 has an error: invalid-value)',
  );
  assert.equal(action.isPreferred, false);
  // Fix all: the duplicate only.
  const edits = fixAllEdits(FILE, result);
  assert.equal(edits.length, 1);
  assert.equal(edits[0].newText, '');
});

// ---------------------------------------------------------------------------------------------
// The property over the fixtures.

interface Base {
  name: string;
  text: string;
  options: LintOptions;
}

/** The fixtures PgBouncer's checks find no error in, and the examples. */
function bases(): Base[] {
  const out: Base[] = [];
  for (const fixture of loadFixtures()) {
    const options: LintOptions = {
      filePath: fixture.iniPath,
      targetVersion: fixture.expected.targetVersion ?? '1.25',
      runDirectory: runDirectoryOf(fixture),
    };
    const result = lintText(fixture.text, options);
    if (result.findings.some((finding) => finding.severity === 'error')) continue;
    out.push({ name: fixture.name, text: fixture.text, options });
  }
  return out;
}

/** Ways to break one line so that PgBouncer refuses it, with no fix of its own that --fix applies. */
function breakings(line: string, section: string | null): string[] {
  const entry = /^([A-Za-z_][\w.]*)(\s*=\s*)(.*)$/.exec(line);
  if (!entry || section === null) return [];
  const [, key, equals, value] = entry;
  if (section === 'pgbouncer') {
    return [
      // An unknown key nothing resembles: which setting was meant is anybody's guess.
      `zz${key.replace(/_/g, '')}qq${equals}${value}`,
      `${key}${equals}${value}x`,
    ];
  }
  if (section === 'databases' || section === 'users') {
    return [`${line} pool_mode=sesion`, `${line} zzqq=1`, `${key}${equals}${value} host='h`];
  }
  return [];
}

/**
 * What --fix (or --fix=all) applies, round after round as fixText does: the titles (with their
 * finding's id), leaving out the fixes of findings on `skipLine` in the first round, and those of
 * the first round that edit `skipLine`.
 */
function applied(
  text: string,
  options: LintOptions,
  mode: FixMode,
  skipLine?: { start: number; end: number },
) {
  const titles: string[] = [];
  const touching: string[] = [];
  let result = lintText(text, options);
  let current = text;
  for (let round = 0; round < 10; round++) {
    const chosen = fixesToApply(result, mode);
    if (chosen.length === 0) break;
    for (const finding of result.findings) {
      const fix = chosen.find((candidate) => (finding.fixes ?? []).includes(candidate));
      if (!fix) continue;
      const first = round === 0 && skipLine !== undefined;
      if (first && finding.span.start >= skipLine.start && finding.span.start <= skipLine.end) continue;
      titles.push(`${finding.code}: ${fix.title}`);
      if (
        first &&
        fix.edits.some((edit) => edit.span.start < skipLine.end && edit.span.end > skipLine.start)
      ) {
        touching.push(`${finding.code}: ${fix.title}`);
      }
    }
    const next = applyEdits(
      current,
      chosen.flatMap((fix) => fix.edits),
    );
    if (next === current) break;
    current = next;
    result = lintText(current, options);
  }
  return { titles, touching };
}

test('over the fixtures with one line broken in turn, --fix and --fix=all apply nothing that rests on it', () => {
  let variants = 0;
  const problems: string[] = [];
  for (const base of bases()) {
    const lines = base.text.split('\n');
    let section: string | null = null;
    let offset = 0;
    const expected = new Map<FixMode, Set<string>>();
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index];
      const header = /^\s*\[([^\]]*)\]/.exec(line);
      if (header) section = header[1];
      const start = offset;
      offset += line.length + 1;
      for (const broken of breakings(line, section)) {
        const text = [...lines.slice(0, index), broken, ...lines.slice(index + 1)].join('\n');
        const result = lintText(text, base.options);
        const span = { start, end: start + broken.length };
        const brokenHere = result.findings.some(
          (finding) =>
            finding.severity === 'error' &&
            finding.file === base.options.filePath &&
            finding.span.start >= span.start &&
            finding.span.start <= span.end,
        );
        if (!brokenHere) continue;
        variants++;
        const without = [...lines.slice(0, index), ...lines.slice(index + 1)].join('\n');
        for (const mode of ['safe', 'all'] as const) {
          if (!expected.has(mode)) expected.set(mode, new Set(applied(base.text, base.options, mode).titles));
          const intact = expected.get(mode) as Set<string>;
          const withoutLine = new Set(applied(without, base.options, mode).titles);
          const got = applied(text, base.options, mode, span);
          for (const title of got.titles) {
            if (!intact.has(title) || !withoutLine.has(title)) {
              problems.push(`${base.name}:${index + 1} ${JSON.stringify(broken)} --fix=${mode}: ${title}`);
            }
          }
          for (const title of got.touching) {
            problems.push(
              `${base.name}:${index + 1} ${JSON.stringify(broken)} --fix=${mode} edits it: ${title}`,
            );
          }
        }
      }
    }
  }
  assert.ok(variants > 300, `only ${variants} broken variants`);
  assert.deepEqual(problems, []);
});
