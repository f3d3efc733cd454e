import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { InlayHint, Range } from 'vscode-languageserver';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { inlayHints } from '../../server/src/features/inlayHints';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Settings } from '../../server/src/settings';

const EDITING = path.resolve(__dirname, '..', 'fixtures', 'editing');
const OUTLINE = path.join(EDITING, 'outline.ini');
const EVERYWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 10000, character: 0 } };

function analyse(text: string, targetVersion?: string): LintResult {
  return lintText(text, {
    filePath: path.join(EDITING, 'scratch.ini'),
    targetVersion,
    useProjectFile: false,
  });
}

/** "line:column label" of each hint, 1-based, and the hint's text at that place. */
function brief(hints: InlayHint[]): string[] {
  return hints.map((h) => `${h.position.line + 1}:${h.position.character + 1} ${String(h.label)}`);
}

test('hints on the fixture: durations, octal, overridden settings, pool sizes', () => {
  const result = lintText(fs.readFileSync(OUTLINE, 'utf8'), { filePath: OUTLINE, useProjectFile: false });
  assert.deepEqual(brief(inlayHints(result, EVERYWHERE, DEFAULT_SETTINGS)), [
    '14:26 15 min',
    '15:23 1 h',
    '16:18 no limit',
    '17:24 rwxrwx---',
    '18:23 = 64',
    '19:23 → 25 (line 22)',
    '21:25 3 s',
    '26:68 pool 25 + 5 reserve',
    '27:104 30 min',
    '27:104 pool 10 + 5 reserve',
    '29:18 pool 25 + 5 reserve',
  ]);
});

test('no hints when they are turned off', () => {
  const result = analyse('[pgbouncer]\nclient_idle_timeout = 900\n');
  const off: Settings = { ...DEFAULT_SETTINGS, inlayHints: { enabled: false } };
  assert.deepEqual(inlayHints(result, EVERYWHERE, off), []);
});

test('only hints within the requested range', () => {
  const text = '[pgbouncer]\nclient_idle_timeout = 900\nserver_lifetime = 7200\nquery_timeout = 90\n';
  const result = analyse(text);
  const range = { start: { line: 2, character: 0 }, end: { line: 2, character: 22 } };
  assert.deepEqual(brief(inlayHints(result, range, DEFAULT_SETTINGS)), ['3:23 2 h']);
  assert.deepEqual(brief(inlayHints(result, EVERYWHERE, DEFAULT_SETTINGS)), [
    '2:26 15 min',
    '3:23 2 h',
    '4:19 1 min 30 s',
  ]);
});

test('durations: fractions, zero as the setting documents it (also inf, kept as 0), nothing for unreadable values', () => {
  const text = [
    '[pgbouncer]',
    'reserve_pool_timeout = 0.5',
    'server_check_delay = 2.25',
    'client_idle_timeout = 0',
    'server_lifetime = 0',
    'query_wait_timeout = 86400',
    'server_idle_timeout = 1e3',
    'query_timeout = 10s',
    'idle_transaction_timeout = inf',
    'tcp_keepidle = 0',
    'stats_period = 120',
    'tcp_user_timeout = 1500',
  ].join('\n');
  const hints = inlayHints(analyse(text), EVERYWHERE, DEFAULT_SETTINGS);
  assert.deepEqual(
    hints.map((h) => h.label),
    [
      '500 ms',
      '2.25 s',
      'idle clients are never disconnected',
      'each server connection is used once, then closed',
      '1 d',
      '16 min 40 s',
      // inf does not fit in PgBouncer's microsecond count: it keeps 0.
      'no limit',
      'operating system default',
      '2 min',
      '1.5 s',
    ],
  );
});

test('numbers with a leading 0 or 0x: the value PgBouncer reads', () => {
  const text = [
    '[pgbouncer]',
    'max_client_conn = 0100',
    'default_pool_size = 0x14',
    'listen_port = 06432',
    'min_pool_size = 08',
    'reserve_pool_size = 0',
  ].join('\n');
  const hints = inlayHints(analyse(text), EVERYWHERE, DEFAULT_SETTINGS);
  assert.deepEqual(brief(hints), ['2:23 = 64', '3:25 = 20', '4:20 = 3354']);
  assert.match(String(hints[0].tooltip), /octal/);
  assert.match(String(hints[1].tooltip), /hexadecimal/);
  // 08 is not an octal number: PgBouncer refuses it, and there is no hint.
  // A file mode shows the permissions it gives, also when it is written in decimal by mistake.
  const modes = inlayHints(
    analyse('[pgbouncer]\nunix_socket_mode = 0777\n[pgbouncer]\nunix_socket_mode = 777\n'),
    EVERYWHERE,
    DEFAULT_SETTINGS,
  );
  assert.deepEqual(
    modes.map((h) => [String(h.label), h.tooltip]),
    [
      ['rwxrwxrwx', 'File mode 0777'],
      ['→ 777 (line 4)', 'A later line sets unix_socket_mode again; PgBouncer uses the value on line 4.'],
      [
        'r----x--x',
        '777 is a decimal number, which is 01411 in octal. Write modes with a leading 0, e.g. 0777.',
      ],
    ],
  );
});

test('a setting that a later line or a later [pgbouncer] header overrides', () => {
  const text = [
    '[pgbouncer]',
    'default_pool_size = 10',
    'pool_mode = transaction',
    'default_pool_size = 30',
    'default_pool_size = 40',
    '[pgbouncer]',
    'default_pool_size = 50',
  ].join('\n');
  const hints = inlayHints(analyse(text), EVERYWHERE, DEFAULT_SETTINGS);
  assert.deepEqual(
    brief(hints).filter((h) => h.includes('→')),
    ['2:23 → 50 (line 7)', '3:24 → session (reset by line 6)', '4:23 → 50 (line 7)', '5:23 → 50 (line 7)'],
  );
  assert.match(
    String(hints.find((h) => String(h.label).includes('reset'))?.tooltip),
    /forgets every setting/,
  );
});

test('pool sizes: per database, with reserve, caps, unlimited pools and replaced entries', () => {
  const text = [
    '[pgbouncer]',
    'default_pool_size = 20',
    'reserve_pool_size = 3',
    'max_db_connections = 15',
    '[databases]',
    'a = host=x',
    'b = host=x pool_size=5 reserve_pool=1',
    'c = host=x pool_size=0',
    'd = host=x',
    'd = host=y pool_size=8',
    "broken = host='x",
  ].join('\n');
  assert.deepEqual(brief(inlayHints(analyse(text, '1.24'), EVERYWHERE, DEFAULT_SETTINGS)), [
    '6:11 pool 20 + 3 reserve (at most 15)',
    '7:38 pool 5 + 1 reserve',
    '8:23 pool unlimited + 3 reserve (at most 15)',
    '9:11 → replaced (line 10)',
    '10:23 pool 8 + 3 reserve',
  ]);
  const hint = inlayHints(analyse(text, '1.24'), EVERYWHERE, DEFAULT_SETTINGS)[0];
  assert.equal(
    hint.tooltip,
    'Pool size: default_pool_size = 20\nReserve: reserve_pool_size = 3\nCapped by max_db_connections = 15',
  );
  // Before 1.24 a pool size of 0 allows no connections beyond the first.
  assert.deepEqual(
    brief(inlayHints(analyse(text, '1.23'), EVERYWHERE, DEFAULT_SETTINGS)).filter((h) => h.startsWith('8:')),
    ['8:23 pool 0 + 3 reserve'],
  );
});

test('durations of connection-string parameters, read as PgBouncer reads them (atoi)', () => {
  const text =
    '[databases]\napp = host=x server_lifetime=3600\n[users]\nbob = query_timeout=90x client_idle_timeout=0\n';
  assert.deepEqual(brief(inlayHints(analyse(text), EVERYWHERE, DEFAULT_SETTINGS)), [
    '2:34 1 h',
    '2:34 pool 20',
    '4:24 1 min 30 s',
    '4:46 uses the global value',
  ]);
});
