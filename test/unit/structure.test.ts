import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import type { DocumentSymbol } from 'vscode-languageserver';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { documentLinks, documentSymbols, foldingRanges } from '../../server/src/features/structure';

const EDITING = path.resolve(__dirname, '..', 'fixtures', 'editing');
const OUTLINE = path.join(EDITING, 'outline.ini');

function analyse(
  text: string,
  filePath = path.join(EDITING, 'scratch.ini'),
  runDirectory?: string,
): LintResult {
  return lintText(text, { filePath, runDirectory, useProjectFile: false });
}

const outline = (): LintResult => analyse(fs.readFileSync(OUTLINE, 'utf8'), OUTLINE);

/** name, kind, first and last line (1-based) of a symbol. */
function brief(symbol: DocumentSymbol): [string, SymbolKind, number, number] {
  return [symbol.name, symbol.kind, symbol.range.start.line + 1, symbol.range.end.line + 1];
}

test('the outline has one symbol per section, from its header to its last non-blank line', () => {
  const symbols = documentSymbols(outline());
  assert.deepEqual(symbols.map(brief), [
    ['[pgbouncer]', SymbolKind.Namespace, 4, 22],
    ['[databases]', SymbolKind.Namespace, 24, 29],
    ['[users]', SymbolKind.Namespace, 31, 34],
    ['[peers]', SymbolKind.Namespace, 36, 37],
  ]);
  for (const symbol of symbols) {
    assert.deepEqual(symbol.selectionRange.start, symbol.range.start, 'the header is the selection');
  }
});

test('settings are properties with their value; databases, users and peers show their connection string', () => {
  const [main, databases, users, peers] = documentSymbols(outline());
  assert.equal(main.children?.length, 18);
  assert.deepEqual(
    main.children?.slice(0, 2).map((s) => [s.name, s.kind, s.detail]),
    [
      ['listen_addr', SymbolKind.Property, '127.0.0.1'],
      ['listen_port', SymbolKind.Property, '6432'],
    ],
  );
  assert.deepEqual(
    databases.children?.map((s) => [s.name, s.kind]),
    [
      ['shop', SymbolKind.Struct],
      ['reports', SymbolKind.Struct],
      ['%include included.ini', SymbolKind.File],
      ['*', SymbolKind.Struct],
    ],
  );
  assert.equal(
    databases.children?.[0].detail,
    'host=10.0.0.1 port=5432 dbname=shop auth_user=pgbouncer_auth',
  );
  assert.equal(databases.children?.[2].detail, path.join(EDITING, 'included.ini'));
  assert.deepEqual(
    users.children?.map((s) => [s.name, s.kind]),
    [
      ['reporter', SymbolKind.Object],
      ['pgbouncer_auth', SymbolKind.Object],
      ['admin', SymbolKind.Object],
    ],
  );
  assert.deepEqual(
    peers.children?.map((s) => s.name),
    ['1'],
  );
});

test('entries of an included file are not in the outline; its section carries over to the lines after it', () => {
  const main = path.join(EDITING, 'scratch.ini');
  // included.ini holds a [databases] entry without a header of its own.
  const result = analyse('[databases]\n%include included.ini\nlocal = host=/tmp\n', main);
  const [databases] = documentSymbols(result);
  assert.deepEqual(
    databases.children?.map((s) => [s.name, s.kind]),
    [
      ['%include included.ini', SymbolKind.File],
      ['local', SymbolKind.Struct],
    ],
  );
  // Entries before any header of this file are top-level, filed under the section in force.
  const child = path.join(os.tmpdir(), `pgbouncer-structure-${process.pid}.ini`);
  fs.writeFileSync(child, '[databases]\n');
  try {
    const top = documentSymbols(analyse(`%include ${child}\napp = host=a\n`, main));
    assert.deepEqual(
      top.map((s) => [s.name, s.kind]),
      [
        [`%include ${child}`, SymbolKind.File],
        ['app', SymbolKind.Struct],
      ],
    );
  } finally {
    fs.rmSync(child);
  }
});

test('the outline names what editors cannot show: empty keys, empty headers, unknown sections', () => {
  const symbols = documentSymbols(analyse('[]\n[pgbouncr]\n= 1\n[pgbouncer] listen_port = 1\n'));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.detail, s.children?.map((c) => c.name)]),
    [
      ['[]', 'not a PgBouncer section', []],
      ['[pgbouncr]', 'not a PgBouncer section', ['(empty key)']],
      ['[pgbouncer]', undefined, ['listen_port']],
    ],
  );
  for (const symbol of symbols.flatMap((s) => [s, ...(s.children ?? [])])) {
    assert.ok(symbol.name.length > 0);
    const { range, selectionRange } = symbol;
    assert.ok(
      range.start.line <= selectionRange.start.line && selectionRange.end.line <= range.end.line,
      'the selection is inside the range',
    );
  }
});

test('folding: each section and each run of two or more comment lines', () => {
  assert.deepEqual(foldingRanges(outline()), [
    { startLine: 0, endLine: 1, kind: FoldingRangeKind.Comment },
    { startLine: 3, endLine: 21 },
    { startLine: 23, endLine: 28 },
    { startLine: 30, endLine: 33 },
    { startLine: 35, endLine: 36 },
  ]);
});

test('folding: a section ends at its last non-blank line; comments beside a header do not fold', () => {
  const text = [
    '[pgbouncer] ; inline after a header',
    '; one',
    '; two',
    'listen_port = 1',
    '',
    '',
    '[databases]',
    '',
    '[users]',
    '# a',
    '',
    '# b',
    'x = pool_size=1',
    '   ',
  ].join('\r\n');
  assert.deepEqual(foldingRanges(analyse(text)), [
    { startLine: 0, endLine: 3 },
    { startLine: 1, endLine: 2, kind: FoldingRangeKind.Comment },
    { startLine: 8, endLine: 12 },
  ]);
});

test('links: %include and path settings that exist, resolved against the run directory', () => {
  const links = documentLinks(outline());
  assert.deepEqual(
    links.map((link) => [link.range.start.line + 1, link.target]),
    [
      [8, pathToFileURL(path.join(EDITING, 'userlist.txt')).toString()],
      [28, pathToFileURL(path.join(EDITING, 'included.ini')).toString()],
    ],
  );
  assert.equal(
    links[0].tooltip,
    `Open ${path.join(EDITING, 'userlist.txt')} (relative to the directory PgBouncer runs in, ${EDITING})`,
  );
  // logfile = missing.log does not exist: no link.
});

test('links: absolute paths as they are, the run directory for relative ones, nothing for missing files or folders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-links-'));
  try {
    fs.mkdirSync(path.join(dir, 'run'));
    fs.writeFileSync(path.join(dir, 'run', 'hba.conf'), 'local all all trust\n');
    fs.writeFileSync(path.join(dir, 'ca.crt'), '');
    const text = [
      '[pgbouncer]',
      'auth_hba_file = hba.conf',
      `client_tls_ca_file = ${path.join(dir, 'ca.crt')}`,
      'client_tls_key_file = missing.key',
      `unix_socket_dir = ${dir}`,
      'listen_addr = hba.conf',
      '[databases]',
      'auth_file = hba.conf',
    ].join('\n');
    const links = documentLinks(analyse(text, path.join(dir, 'pgbouncer.ini'), path.join(dir, 'run')));
    assert.deepEqual(
      links.map((link) => [link.range.start.line + 1, link.range.start.character, link.target, link.tooltip]),
      [
        [
          2,
          16,
          pathToFileURL(path.join(dir, 'run', 'hba.conf')).toString(),
          `Open ${path.join(dir, 'run', 'hba.conf')} (relative to the directory PgBouncer runs in, ${path.join(dir, 'run')})`,
        ],
        [3, 21, pathToFileURL(path.join(dir, 'ca.crt')).toString(), `Open ${path.join(dir, 'ca.crt')}`],
      ],
    );
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
