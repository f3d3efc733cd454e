// Text an editor inserts while someone types or pastes into a pgbouncer.ini: pieces of
// configuration, line breaks of every kind, quotes, brackets and odd characters; and the
// documents edits start from. Shared by the tests that replay random edits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

export const TYPED_PIECES: readonly string[] = [
  '\n',
  '\r\n',
  '\r',
  ' ',
  '=',
  ' = ',
  "'",
  '[',
  ']',
  '[pgbouncer]\n',
  '[databases]\n',
  '[users]\n',
  'max_client_conn = 10\n',
  'pool_mode = session',
  'db = host=127.0.0.1 port=5432',
  ' pool_size=5',
  'server_lifetime = 10s',
  '%include other.ini\n',
  '; pgbouncer-lint: disable-next-line\n',
  '\0',
  '\uFEFF',
  '\u{1F600}',
];

/**
 * A place in a text as a fraction of its length, uniform over [0, 1]. Not fc.double: its values are
 * spread over the doubles' bit patterns, so almost all are below 1e-10 (the text's first character).
 */
export const ANYWHERE: Arbitrary<number> = fc
  .noBias(fc.nat({ max: 1_000_000 }))
  .map((millionths) => millionths / 1_000_000);

/** One of the pieces, one of `extra`, or a random string of at most `maxLength` characters. */
export function typedText(extra: readonly string[] = [], maxLength = 20): Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...TYPED_PIECES, ...extra), fc.string({ maxLength }));
}

const ROOT = path.resolve(__dirname, '..', '..');

/** Documents edits start from: empty, one line, the examples and a fixture with duplicates. */
export function startingDocuments(): string[] {
  return [
    '',
    '[pgbouncer]\nlisten_port = 6432\n',
    ...['examples/pgbouncer.ini', 'examples/pgbouncer-secure.ini', 'test/fixtures/duplicates.ini']
      .map((name) => path.join(ROOT, name))
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file, 'utf8')),
  ];
}
