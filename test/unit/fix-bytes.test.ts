// What --fix writes, byte for byte (analysis/fix-all.ts fixBytes, the function the CLI uses): random
// bytes in comments (Latin-1, invalid UTF-8, control characters), CRLF and LF mixed, tabs and
// trailing blanks, a missing final line break and a final NUL all come back as they were, and only
// the line a fix is about changes. Then the edits themselves: deleting or adding a last line
// without a line break, a line added before a NUL, and formatting and "Fix all" in a CRLF file
// with a byte order mark.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { fixAllEdits } from '../../server/src/features/codeActions';
import { formatDocument } from '../../server/src/features/formatting';
import { applyEdits, lineBreakAt } from '../../server/src/findings/fix';
import { fixBytes, fixesToApply } from '../../server/src/analysis/fix-all';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { memoryFileSystem } from '../support/memory-fs';

const DIR = '/virtual';
const FILE = `${DIR}/pgbouncer.ini`;

function linter(rules: Record<string, 'warning' | 'off'>): (text: string) => LintResult {
  return (text) =>
    lintText(text, {
      filePath: FILE,
      runDirectory: DIR,
      useProjectFile: false,
      targetVersion: '1.18',
      fileSystem: memoryFileSystem({}, [DIR]),
      rules: { '*': 'off', ...rules },
    });
}

/** Bytes of a string whose characters are bytes (Latin-1). */
const bytes = (text: string): Uint8Array => Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** A comment line of random bytes: anything but a line feed or a NUL after the ';'. */
const commentLine = fc
  .uint8Array({ maxLength: 40 })
  .map((raw) => concat([bytes(';'), raw.filter((byte) => byte !== 0x0a && byte !== 0)]));
const eol = fc.constantFrom('\n', '\r\n');
const blanks = fc.constantFrom('', ' ', '\t', '  \t ');

test('--fix and --fix=all change only the bytes of the lines their fixes are about', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(commentLine, eol), { maxLength: 4 }),
      fc.array(fc.tuple(commentLine, eol), { maxLength: 4 }),
      fc.tuple(eol, eol, eol, blanks, blanks),
      fc.boolean(),
      fc.boolean(),
      (before, between, [eolHead, eolEarlier, eolLast, blanksEarlier, blanksLast], finalBreak, finalNul) => {
        const lines = (list: [Uint8Array, string][]) => list.map(([line, end]) => concat([line, bytes(end)]));
        const head = concat([
          bytes(`[pgbouncer]${eolHead}listen_addr\t= 127.0.0.1${eolHead}`),
          ...lines(before),
        ]);
        const earlier = bytes(`max_client_conn = 100${blanksEarlier}${eolEarlier}`);
        const middle = concat(lines(between));
        const last = bytes(`max_client_conn = 200${blanksLast}${finalBreak ? eolLast : ''}`);
        const nul = bytes(finalNul ? '\0' : '');
        const original = concat([head, earlier, middle, last, nul]);

        // --fix: the earlier max_client_conn goes, with its line break; nothing else changes.
        const safe = fixBytes(original, linter({ 'syslog-disabled': 'warning' }), 'safe');
        assert.deepEqual(Uint8Array.from(safe.bytes), concat([head, middle, last, nul]));

        // --fix=all: syslog = 1 as well, after the last entry, ended like its neighbour; no final
        // line break when the file had none, and before the NUL.
        const previousBreak = between.length > 0 ? between[between.length - 1][1] : eolEarlier;
        const added = finalBreak ? `syslog = 1${eolLast}` : `${previousBreak}syslog = 1`;
        const all = fixBytes(original, linter({ 'syslog-disabled': 'warning' }), 'all');
        assert.deepEqual(Uint8Array.from(all.bytes), concat([head, middle, last, bytes(added), nul]));
      },
    ),
    { numRuns: 150, seed: 20261201 },
  );
});

test('a file no fix changes comes back as the very same bytes', () => {
  const original = bytes('; \xe9\xff\r\n[pgbouncer]\r\nlisten_addr = 127.0.0.1  \n\0');
  const fixed = fixBytes(original, linter({}), 'all');
  assert.equal(fixed.bytes, original);
});

test('deleting the last line of a file without a final line break keeps it without one', () => {
  for (const end of ['\n', '\r\n']) {
    const text = `[pgbouncer]${end}listen_addr = 127.0.0.1${end}pool_mode = transaction${end}server_reset_query = DISCARD ALL`;
    const result = linter({ 'reset-query-ignored': 'warning' })(text);
    const fixed = applyEdits(
      text,
      fixesToApply(result, 'safe').flatMap((fix) => fix.edits),
    );
    assert.equal(fixed, `[pgbouncer]${end}listen_addr = 127.0.0.1${end}pool_mode = transaction`);
  }
});

test('a line is added before a NUL, where PgBouncer still reads it', () => {
  for (const text of [
    '[pgbouncer]\nlisten_addr = 127.0.0.1\0\n',
    '[pgbouncer]\nlisten_addr = 127.0.0.1\n\0\n',
  ]) {
    const result = linter({ 'syslog-disabled': 'warning' })(text);
    const fixed = applyEdits(
      text,
      fixesToApply(result, 'all').flatMap((fix) => fix.edits),
    );
    assert.match(fixed, /^\[pgbouncer\]\nlisten_addr = 127\.0\.0\.1\nsyslog = 1\n?\0\n$/);
  }
});

test('the line break of an added line is that of the line it follows', () => {
  const text = 'a\r\nb\nc\r\nd';
  assert.equal(lineBreakAt(text, 1), '\r\n');
  assert.equal(lineBreakAt(text, 4), '\n');
  assert.equal(lineBreakAt(text, text.length), '\r\n');
  assert.equal(lineBreakAt('no break', 3), '\n');
});

test('formatting and "Fix all" in a CRLF file with a BOM: small edits, BOM and CRLF kept', () => {
  const text = '\ufeff[pgbouncer]\r\nlisten_port=1  \r\nmax_client_conn = 1\r\nmax_client_conn = 2\r\n';
  const result = linter({})(text);
  const document = TextDocument.create('file:///virtual/pgbouncer.ini', 'pgbouncer-ini', 1, text);
  const formatting = formatDocument(result, { tabSize: 4, insertSpaces: true }, DEFAULT_SETTINGS);
  assert.deepEqual(formatting, [
    {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 15 } },
      newText: 'listen_port = 1',
    },
  ]);
  assert.equal(
    TextDocument.applyEdits(document, formatting),
    '\ufeff[pgbouncer]\r\nlisten_port = 1\r\nmax_client_conn = 1\r\nmax_client_conn = 2\r\n',
  );
  const fixAll = fixAllEdits(FILE, result);
  assert.deepEqual(fixAll, [
    { range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, newText: '' },
  ]);
  assert.equal(
    TextDocument.applyEdits(document, fixAll),
    '\ufeff[pgbouncer]\r\nlisten_port=1  \r\nmax_client_conn = 2\r\n',
  );
});
