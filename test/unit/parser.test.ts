import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compatibleFixes } from '../../server/src/findings/fix';
import { parseConnString } from '../../server/src/syntax/connstring';
import { parse } from '../../server/src/syntax/parser';
import type { Entry, Item } from '../../server/src/syntax/syntax';
import { LineIndex } from '../../server/src/syntax/syntax';

const entries = (items: Item[]): Entry[] => items.filter((item): item is Entry => item.kind === 'entry');
const slice = (text: string, span: { start: number; end: number }): string =>
  text.slice(span.start, span.end);

test('reads a section header and an entry on one line, as PgBouncer does', () => {
  const text = '[pgbouncer] listen_port = 6432\n';
  const { items } = parse(text);
  assert.deepEqual(
    items.map((item) => item.kind),
    ['section', 'entry'],
  );
  const [entry] = entries(items);
  assert.equal(entry.key.text, 'listen_port');
  assert.equal(entry.value.text, '6432');
  assert.equal(slice(text, entry.value.span), '6432');
  assert.equal(text[entry.equalsOffset], '=');
});

test('keeps text after a value that looks like a comment as part of the value', () => {
  const { items } = parse('[pgbouncer]\nmax_client_conn = 10 ; x\n');
  assert.equal(entries(items)[0].value.text, '10 ; x');
});

test('keeps quotes in values', () => {
  const { items } = parse('[pgbouncer]\npool_mode = "session"\n');
  assert.equal(entries(items)[0].value.text, '"session"');
});

test('trims CR of CRLF line endings from values and keeps exact ranges', () => {
  const text = '[pgbouncer]\r\nlisten_port = 6432\r\nlisten_addr = *\r\n';
  const file = parse(text);
  const [first, second] = entries(file.items);
  assert.equal(first.value.text, '6432');
  assert.equal(second.value.text, '*');
  assert.deepEqual(file.lineIndex.rangeOf(second.key.span), {
    start: { line: 2, character: 0 },
    end: { line: 2, character: 11 },
  });
});

test('only whole lines starting with ; or # are comments, also when indented', () => {
  const { items } = parse('; one\n   # two\n[pgbouncer]\n');
  assert.deepEqual(
    items.map((item) => item.kind),
    ['comment', 'comment', 'section'],
  );
});

test('section names are kept exactly, spaces included', () => {
  const { items } = parse('[ pgbouncer ]\n');
  assert.equal(items[0].kind, 'section');
  assert.equal(items[0].kind === 'section' && items[0].name, ' pgbouncer ');
});

test('reports a missing closing bracket and goes on with the next line', () => {
  const { items } = parse('[databases\nfoo = host=x\n');
  assert.deepEqual(
    items.map((item) => item.kind),
    ['error', 'entry'],
  );
});

test('a line without = is a syntax error that does not hide the next lines', () => {
  const { items } = parse('[pgbouncer]\nlisten_port\nmax_client_conn = 5\n');
  assert.deepEqual(
    items.map((item) => item.kind),
    ['section', 'error', 'entry'],
  );
});

test('%include must be lower case and followed by a blank', () => {
  const included = parse('%include other.ini  \n').items[0];
  assert.equal(included.kind, 'include');
  assert.equal(included.kind === 'include' && included.path, 'other.ini');
  assert.equal(parse('%INCLUDE other.ini\n').items[0].kind, 'error');
  assert.equal(parse('%include\n').items[0].kind, 'error');
});

test('a UTF-8 byte order mark is a syntax error, and the rest of the file is still read', () => {
  const { items } = parse('\uFEFF[pgbouncer]\nlisten_port = 1\n');
  assert.deepEqual(
    items.map((item) => item.kind),
    ['error', 'section', 'entry'],
  );
});

test('stops reading at a NUL character, like PgBouncer', () => {
  const file = parse('[pgbouncer]\nlisten_port = 1\0\nmax_client_conn = x\n');
  assert.equal(file.nulOffset, 27);
  assert.equal(entries(file.items).length, 1);
});

test('quoted keys are parsed with their quotes outside the key text', () => {
  const text = "[databases]\n'my db' = host=x\n";
  const [entry] = entries(parse(text).items);
  assert.equal(entry.key.text, 'my db');
  assert.equal(entry.key.quoted, true);
  assert.equal(slice(text, entry.key.span), "'my db'");
});

test('every span lies inside the text, whatever the input', () => {
  const samples = ['', '[', ']', '=', "'", '%include ', '\r\r\n=\n', 'a=\n[x]y=z', '\uFEFF', '[a\n]b=c\0d'];
  for (const text of samples) {
    for (const item of parse(text).items) {
      assert.ok(
        item.span.start >= 0 && item.span.end <= text.length && item.span.start <= item.span.end,
        JSON.stringify(text),
      );
    }
  }
});

test('line index counts \\n, \\r\\n and lone \\r as line breaks', () => {
  const index = new LineIndex('a\nb\r\nc\rd');
  assert.equal(index.lineCount, 4);
  assert.deepEqual(index.positionAt(7), { line: 3, character: 0 });
  assert.equal(index.offsetAt({ line: 2, character: 0 }), 5);
  assert.equal(index.offsetAt({ line: 1, character: 99 }), 3);
});

test('connection strings: quotes, doubled quotes and blanks around =', () => {
  const text = "host = db  dbname='it''s' port=5432";
  const result = parseConnString(text, 100);
  assert.equal(result.error, null);
  assert.deepEqual(
    result.params.map((p) => [p.key, p.value, p.quoted]),
    [
      ['host', 'db', false],
      ['dbname', "it's", true],
      ['port', '5432', false],
    ],
  );
  assert.deepEqual(result.params[1].valueSpan, { start: 100 + 18, end: 100 + 25 });
});

test('connection strings: a tab is not a separator', () => {
  const result = parseConnString('host=a\tport=5', 0);
  assert.deepEqual(
    result.params.map((p) => [p.key, p.value]),
    [['host', 'a\tport=5']],
  );
});

test('connection strings: errors stop the reading', () => {
  assert.equal(parseConnString("dbname='x", 0).error?.code, 'unterminated-quote');
  assert.equal(parseConnString('dbname=', 0).error?.code, 'empty-value');
  assert.equal(parseConnString('host', 0).error?.code, 'missing-equals');
  assert.equal(parseConnString('=x', 0).error?.code, 'empty-key');
  assert.equal(parseConnString("dbname=''", 0).error?.code, 'empty-value');
});

test('connection strings: the character after a closing quote is dropped', () => {
  const result = parseConnString("dbname='a'host=b", 0);
  assert.deepEqual(
    result.params.map((p) => p.key),
    ['dbname', 'ost'],
  );
  assert.deepEqual(result.params[0].droppedAfterQuote, { start: 10, end: 11 });
});

test('fix-all applies the same insertion once even when two findings offer it', () => {
  const insert = { file: 'f', span: { start: 3, end: 3 }, newText: 'x = 1\n' };
  const fixes = [
    { title: 'a', kind: 'safe' as const, edits: [insert] },
    { title: 'b', kind: 'safe' as const, edits: [{ ...insert }] },
    {
      title: 'c',
      kind: 'safe' as const,
      edits: [{ file: 'f', span: { start: 3, end: 3 }, newText: 'y = 2\n' }],
    },
  ];
  assert.deepEqual(
    compatibleFixes(fixes).map((f) => f.title),
    ['a', 'c'],
  );
});
