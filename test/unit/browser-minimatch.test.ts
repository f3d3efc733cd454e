// The web client's stand-in for `minimatch` (client/src/browser/minimatch.ts) against the real package,
// the very copy vscode-languageclient imports on the desktop: the same verdict for every pattern and
// path, with the options the client passes (document selectors: noext; file operations: dot, nocase).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Minimatch as Stand } from '../../client/src/browser/minimatch';

interface RealMinimatch {
  match(path: string): boolean;
  makeRe(): RegExp | false;
}
type RealConstructor = new (pattern: string, options: object) => RealMinimatch;
const fromClient = require.resolve('minimatch', {
  paths: [path.dirname(require.resolve('vscode-languageclient'))],
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Real = (require(fromClient) as { Minimatch: RealConstructor }).Minimatch;

const OPTIONS = [{}, { noext: true }, { dot: true }, { nocase: true }, { dot: true, nocase: true }];

const PATTERNS = [
  '*',
  '**',
  '*.ini',
  '**/*.ini',
  '/etc/**/*.ini',
  '/etc/*/pgbouncer.ini',
  'a/**/b',
  'a/**',
  '**/b',
  '/home/**',
  '**/.env',
  '**/*.{yml,yaml}',
  '{a,b}/*',
  'a{b,c{d,e}}f',
  'a{b}c',
  '[abc].ini',
  '[!a]*.ini',
  '[a-c]?',
  'file?.txt',
  '\\*.ini',
  '!*.ini',
  '!!*.ini',
  '#comment',
  '',
  '/a/b/c',
  '.*',
  '*/.git/**',
  '**/node_modules/**',
  'a/**/**/b',
  '[]]x',
  '[!]]x',
  '[',
  'a[b',
  '**/*.INI',
  'x/*/',
  'x//y',
  '/**/x',
  '**/[.]env',
  '**/pgbouncer*.ini',
  '{**/*.ini,**/userlist.txt}',
];
const PATHS = [
  'a',
  'b',
  'a.ini',
  '.ini',
  'pgbouncer.ini',
  '/etc/pgbouncer/pgbouncer.ini',
  '/etc/pgbouncer.ini',
  '/etc/a/b/c.ini',
  'a/b',
  'a/x/b',
  'a/x/y/b',
  'a/',
  'a/.x/b',
  'a/.x',
  '/home/u/.env',
  '/home/u/x/.env',
  'x/y.yml',
  'x/.y.yaml',
  'a/q',
  'b/q',
  'c/q',
  'abf',
  'acdf',
  'acef',
  'acf',
  'abc',
  'a{b}c',
  'd.ini',
  'bx.ini',
  'ab',
  'cz',
  'dz',
  'file1.txt',
  'file.txt',
  '*.ini',
  '.env',
  '/a/b/c',
  '.git',
  'x/.git/y',
  'p/node_modules/q/r',
  'node_modules',
  ']x',
  'ax',
  '[',
  'a[b',
  'X.INI',
  'x/y',
  'x/y/',
  'x//y',
  '/x',
  'x',
  '/a/x',
  '..',
  '.',
  'a/..',
  'a/./b',
  'a/../b',
  '/',
  '',
  '/srv/pgbouncer-main.ini',
  '/etc/userlist.txt',
];

function disagreements(patterns: string[], paths: string[]): string[] {
  const found: string[] = [];
  for (const options of OPTIONS) {
    for (const pattern of patterns) {
      const real = new Real(pattern, options);
      const stand = new Stand(pattern, options);
      if (Boolean(real.makeRe()) !== Boolean(stand.makeRe()))
        found.push(`${JSON.stringify(options)} ${JSON.stringify(pattern)}: makeRe ${Boolean(real.makeRe())}`);
      for (const file of paths) {
        const expected = real.match(file);
        if (stand.match(file) !== expected)
          found.push(
            `${JSON.stringify(options)} ${JSON.stringify(pattern)} on ${JSON.stringify(file)}: ${expected}`,
          );
      }
    }
  }
  return found;
}

test('the stand-in gives minimatch verdicts on the glob forms LSP servers send', () => {
  assert.deepEqual(disagreements(PATTERNS, PATHS), []);
});

test('the stand-in gives minimatch verdicts on random patterns and paths', () => {
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (from: string[]): string => from[Math.floor(next() * from.length)];
  const glob = [
    '*',
    '**',
    '?',
    'a',
    'b',
    '.',
    '.a',
    '[ab]',
    '[!a]',
    '{a,b}',
    '{a,.b}',
    '\\*',
    '/',
    '/',
    'x*',
    '*.ini',
    '[.]',
    '..',
    'A',
  ];
  // paths as the client hands them over: Uri.fsPath, normalised (no `.`, `..` or empty parts)
  const name = ['a', 'b', '.a', 'x', 'xa', 'p.ini', '.ini', '*', 'A', 'ab', 'ba', '.git'];
  const patterns = Array.from({ length: 1500 }, () =>
    Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(glob)).join(''),
  );
  const paths = Array.from(
    { length: 40 },
    (_, i) =>
      `${i % 2 ? '/' : ''}${Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(name)).join('/')}`,
  );
  assert.deepEqual(disagreements(patterns, paths).slice(0, 20), []);
});

test('the web client bundle holds the stand-in, not the package', () => {
  const bundle = path.resolve(__dirname, '..', '..', 'dist', 'browser', 'extension.js');
  const text = fs.readFileSync(bundle, 'utf8');
  // minimatch's own error text and its AST class are not in the stand-in
  assert.doesNotMatch(text, /pattern is too long/);
  assert.match(
    fs.readFileSync(path.join(path.dirname(fromClient), 'assert-valid-pattern.js'), 'utf8'),
    /pattern is too long/,
  );
});
