import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver';
import type { Location, Position, WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { definition, prepareRename, references, rename } from '../../server/src/features/navigation';

const EDITING = path.resolve(__dirname, '..', 'fixtures', 'editing');
const OUTLINE = path.join(EDITING, 'outline.ini');
const INCLUDED = pathToFileURL(path.join(EDITING, 'included.ini')).toString();
const URI = 'file:///editor/outline.ini';
const TEXT = fs.readFileSync(OUTLINE, 'utf8');
const LINES = TEXT.split('\n');

function analyse(text: string, filePath = OUTLINE): LintResult {
  return lintText(text, { filePath, useProjectFile: false });
}

const outline = analyse(TEXT);

/** The position of the `nth` occurrence of `word` on the 1-based line `line`, plus `offset` characters. */
function at(line: number, word: string, offset = 1): Position {
  const character = LINES[line - 1].indexOf(word);
  assert.ok(character >= 0, `'${word}' is on line ${line}`);
  return { line: line - 1, character: character + offset };
}

/** [uri, 1-based line, text under the range] of a location in outline.ini or included.ini. */
function show(location: Location): [string, number, string] {
  const text = location.uri === URI ? TEXT : fs.readFileSync(new URL(location.uri), 'utf8');
  const lines = text.split('\n');
  const { start, end } = location.range;
  assert.equal(start.line, end.line);
  return [
    location.uri === URI ? 'outline' : 'included',
    start.line + 1,
    lines[start.line].slice(start.character, end.character),
  ];
}

test('auth_dbname in [pgbouncer] and in a connection string go to the [databases] entry', () => {
  const fromMain = definition(URI, outline, at(9, 'shop')) as Location;
  assert.deepEqual(show(fromMain), ['outline', 26, 'shop']);
  const fromParam = definition(URI, outline, at(27, 'auth_dbname=shop', 13)) as Location;
  assert.deepEqual(show(fromParam), ['outline', 26, 'shop']);
  // The cursor right after the name still counts.
  assert.deepEqual(show(definition(URI, outline, at(9, 'shop', 4)) as Location), ['outline', 26, 'shop']);
});

test('user=, auth_user= and the user lists go to the [users] entry when there is one', () => {
  assert.deepEqual(show(definition(URI, outline, at(27, 'user=reporter', 6)) as Location), [
    'outline',
    32,
    'reporter',
  ]);
  assert.deepEqual(show(definition(URI, outline, at(26, 'auth_user=', 11)) as Location), [
    'outline',
    33,
    'pgbouncer_auth',
  ]);
  assert.deepEqual(show(definition(URI, outline, at(10, 'pgbouncer_auth')) as Location), [
    'outline',
    33,
    'pgbouncer_auth',
  ]);
  assert.deepEqual(show(definition(URI, outline, at(11, 'admin,')) as Location), ['outline', 34, 'admin']);
  // 'ops' has no [users] entry.
  assert.equal(definition(URI, outline, at(11, 'ops')), null);
  assert.equal(definition(URI, outline, at(12, 'ops')), null);
  // Not a name: a setting key, a host.
  assert.equal(definition(URI, outline, at(5, 'listen_addr')), null);
  assert.equal(definition(URI, outline, at(26, '10.0.0.1')), null);
});

test('a database missing from [databases] goes to the fallback entry; the last definition wins', () => {
  const text = [
    '[pgbouncer]',
    'auth_dbname = authdb',
    '[databases]',
    'app = host=a',
    'app = host=b auth_dbname=app',
    '* = host=c',
  ].join('\n');
  const result = analyse(text, path.join(EDITING, 'scratch.ini'));
  assert.deepEqual((definition(URI, result, { line: 1, character: 15 }) as Location).range.start, {
    line: 5,
    character: 0,
  });
  assert.deepEqual((definition(URI, result, { line: 4, character: 27 }) as Location).range.start, {
    line: 4,
    character: 0,
  });
});

test('references to a database: its [databases] key and every reference, in included files too', () => {
  const params = (position: Position, includeDeclaration: boolean) => ({
    textDocument: { uri: URI },
    position,
    context: { includeDeclaration },
  });
  const all = references(URI, outline, params(at(26, 'shop', 0), true)).map(show);
  assert.deepEqual(all, [
    ['outline', 9, 'shop'],
    ['outline', 26, 'shop'],
    ['outline', 27, 'shop'],
    ['included', 2, 'shop'],
  ]);
  const usesOnly = references(URI, outline, params(at(9, 'shop'), false)).map(show);
  assert.deepEqual(usesOnly, [
    ['outline', 9, 'shop'],
    ['outline', 27, 'shop'],
    ['included', 2, 'shop'],
  ]);
  assert.deepEqual(references(URI, outline, params(at(5, 'listen_addr'), true)), []);
  assert.deepEqual(references(URI, outline, params(at(12, 'ops'), true)).map(show), [
    ['outline', 11, 'ops'],
    ['outline', 12, 'ops'],
  ]);
});

test('prepareRename: the name under the cursor, for database names only', () => {
  assert.deepEqual(prepareRename(outline, at(27, 'auth_dbname=shop', 13)), {
    range: { start: { line: 26, character: 64 }, end: { line: 26, character: 68 } },
    placeholder: 'shop',
  });
  assert.deepEqual(prepareRename(outline, at(26, 'shop', 0)), {
    range: { start: { line: 25, character: 0 }, end: { line: 25, character: 4 } },
    placeholder: 'shop',
  });
  assert.equal(prepareRename(outline, at(27, 'user=reporter', 6)), null, 'user names are not renamed');
  assert.equal(prepareRename(outline, at(29, '*', 0)), null, 'the fallback entry is not a name');
  assert.equal(prepareRename(outline, at(5, 'listen_addr')), null);
});

function applied(edit: WorkspaceEdit, uri: string, text: string): string {
  const document = TextDocument.create(uri, 'pgbouncer-ini', 1, text);
  return TextDocument.applyEdits(document, edit.changes?.[uri] ?? []);
}

test('rename changes the key and every reference, in this file and in included files', () => {
  const edit = rename(URI, outline, at(9, 'shop'), 'store') as WorkspaceEdit;
  assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [URI, INCLUDED].sort());
  const after = applied(edit, URI, TEXT);
  assert.equal(
    after
      .split('\n')
      .filter((line, i) => line !== LINES[i])
      .join('\n'),
    [
      'auth_dbname = store',
      'store = host=10.0.0.1 port=5432 dbname=shop auth_user=pgbouncer_auth',
      'reports = host=10.0.0.2 dbname=reports pool_size=10 auth_dbname=store user=reporter server_lifetime=1800',
    ].join('\n'),
  );
  const included = fs.readFileSync(path.join(EDITING, 'included.ini'), 'utf8');
  assert.match(
    applied(edit, INCLUDED, included),
    /^archive = host=10\.0\.0\.4 dbname=archive auth_dbname=store$/m,
  );
  // The renamed file still means the same, with the new name.
  const result = analyse(after);
  assert.equal(result.effective.value('auth_dbname'), 'store');
  assert.ok(result.effective.databases.has('store'));
});

test('rename replaces quoted keys and quoted parameter values with the plain new name', () => {
  const text =
    "[pgbouncer]\nauth_dbname = app\n[databases]\n'app' = host=a\nother = host=b auth_dbname='app'\n";
  const result = lintText(text, { filePath: path.join(EDITING, 'scratch.ini'), targetVersion: '1.25' });
  const edit = rename(URI, result, { line: 3, character: 2 }, 'app2') as WorkspaceEdit;
  assert.equal(
    applied(edit, URI, text),
    '[pgbouncer]\nauth_dbname = app2\n[databases]\napp2 = host=a\nother = host=b auth_dbname=app2\n',
  );
});

test('rename refuses names PgBouncer would not accept, with a reason', () => {
  const refused = (name: string): string => {
    try {
      rename(URI, outline, at(26, 'shop', 0), name);
    } catch (error) {
      assert.ok(error instanceof ResponseError);
      return error.message;
    }
    assert.fail(`'${name}' was accepted`);
  };
  assert.match(refused(''), /cannot be empty/);
  assert.match(refused('my shop'), /' ' is not allowed/);
  assert.match(refused('shop;'), /';' is not allowed/);
  assert.match(refused('bütik'), /'ü' is not allowed/);
  assert.match(refused('x'.repeat(64)), /64 bytes long; .* at most 63 bytes/);
  assert.match(refused('pgbouncer'), /reserved for PgBouncer's admin console/);
  assert.match(refused('*'), /fallback entry/);
  assert.match(refused('reports'), /already defined \(outline\.ini, line 27\)/);
  assert.match(refused('archive'), /already defined \(included\.ini, line 2\)/);
  // Valid: every allowed character, 63 bytes; the same name changes nothing.
  assert.ok(rename(URI, outline, at(26, 'shop', 0), 'a-b.c_d*9'));
  assert.ok(rename(URI, outline, at(26, 'shop', 0), 'x'.repeat(63)));
  assert.deepEqual(rename(URI, outline, at(26, 'shop', 0), 'shop'), { changes: {} });
  // Not on a database name.
  assert.throws(() => rename(URI, outline, at(5, 'listen_addr'), 'x'), /Only database names can be renamed/);
});
