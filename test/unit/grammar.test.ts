// The TextMate grammars and language configurations, tested the way VS Code uses them: lines are
// really tokenized with vscode-textmate and the Oniguruma engine, and the scopes users see are
// checked. The pgbouncer.ini grammar is also held against PgBouncer's reader (our parser) on every
// fixture, and against the catalog for section names and enum words.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { parse } from '../../server/src/syntax/parser';
import { allSections, allSettings, GRAMMAR } from '../../server/src/catalog/catalog';

const ROOT = path.resolve(__dirname, '..', '..');
const INI = 'source.pgbouncer-ini';
const USERLIST = 'source.pgbouncer-userlist';
const GRAMMAR_FILES: Record<string, string> = {
  [INI]: 'syntaxes/pgbouncer-ini.tmLanguage.json',
  [USERLIST]: 'syntaxes/pgbouncer-userlist.tmLanguage.json',
};

interface Token {
  text: string;
  scopes: string[];
}

const grammars = new Map<string, textmate.IGrammar>();

before(async () => {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = path.join(ROOT, GRAMMAR_FILES[scopeName]);
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  for (const scopeName of [INI, USERLIST]) {
    const grammar = await registry.loadGrammar(scopeName);
    assert.ok(grammar, `${scopeName} loads`);
    grammars.set(scopeName, grammar);
  }
});

/** Tokens of each line, as VS Code splits a document into lines. */
function tokenize(text: string, scopeName = INI): Token[][] {
  const grammar = grammars.get(scopeName)!;
  let state = textmate.INITIAL;
  return text.split(/\r\n|\r|\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      scopes: token.scopes.slice(1),
    }));
  });
}

/** The scopes of the token holding `text` on a one-line document (the first such token). */
function scopesOf(line: string, text: string, scopeName = INI): string[] {
  const tokens = tokenize(line, scopeName)[0];
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token '${text}' in ${JSON.stringify(line)}: ${JSON.stringify(tokens)}`);
  return token.scopes;
}

function hasScope(scopes: string[], prefix: string): boolean {
  return scopes.some((scope) => scope.split(' ').some((s) => s === prefix || s.startsWith(prefix + '.')));
}

function assertScope(line: string, text: string, prefix: string, scopeName = INI): void {
  const scopes = scopesOf(line, text, scopeName);
  assert.ok(
    hasScope(scopes, prefix),
    `'${text}' in ${JSON.stringify(line)} is ${scopes.join(' ')}, not ${prefix}`,
  );
}

function assertNoScope(line: string, text: string, prefix: string, scopeName = INI): void {
  const scopes = scopesOf(line, text, scopeName);
  assert.ok(!hasScope(scopes, prefix), `'${text}' in ${JSON.stringify(line)} should not be ${prefix}`);
}

// --- pgbouncer.ini ---------------------------------------------------------------------------

test('whole-line comments start with ; or # as the first non-blank character', () => {
  assertScope('; a comment', '; a comment'.slice(1), 'comment.line.semicolon');
  assertScope('# a comment', ' a comment', 'comment.line.number-sign');
  assertScope('   ;; indented', ';', 'punctuation.definition.comment');
  assertScope('[pgbouncer] ; after a header, an item starts', ';', 'comment.line.semicolon');
});

test('a ; or # after a value is part of the value, marked as a mistake, never as a comment', () => {
  for (const line of ['max_client_conn = 100 ; maximum', 'logfile = /var/log/pgbouncer.log # log']) {
    const tail = line.slice(line.search(/[;#]/));
    assertScope(line, tail, 'invalid.deprecated.inline-comment');
    assertNoScope(line, tail, 'comment');
  }
  assertScope('pool_mode = session ; default', 'session', 'constant.language');
  // Without a blank before it the character is just part of the value, as PgBouncer reads it.
  assertScope('auth_query = SELECT 1;', 'SELECT 1;', 'string.unquoted.value');
  assertScope('db = host=x ; comment', '; comment', 'invalid.deprecated.inline-comment');
});

test('section headers: the four sections are names, anything else is invalid', () => {
  for (const section of ['pgbouncer', 'databases', 'users', 'peers']) {
    assertScope(`[${section}]`, section, 'entity.name.section');
    assertScope(`[${section}]`, '[', 'punctuation.definition.section.begin');
  }
  // PgBouncer compares the name exactly: case and blanks count.
  assertScope('[Databases]', 'Databases', 'invalid.illegal.section');
  assertScope('[ pgbouncer ]', ' pgbouncer ', 'invalid.illegal.section');
  assertScope('[pgbouncer', '[pgbouncer', 'invalid.illegal.section');
});

test('the section names the grammar knows are exactly the catalog sections', () => {
  const raw = fs.readFileSync(path.join(ROOT, GRAMMAR_FILES[INI]), 'utf8');
  const match = /\(pgbouncer\|[a-z|]+\)/.exec(JSON.parse(raw).repository.section.patterns[0].match);
  assert.ok(match);
  assert.deepEqual(
    match[0].slice(1, -1).split('|').sort(),
    allSections()
      .map((section) => section.name)
      .sort(),
  );
});

test('keys, quoted keys and the = sign', () => {
  assertScope('max_client_conn = 100', 'max_client_conn', 'support.type.property-name');
  assertScope('max_client_conn = 100', '=', 'keyword.operator.assignment');
  assertScope('  * = host=fallback', '*', 'support.type.property-name');
  assertScope("'my db' = host=x", 'my db', 'support.type.property-name');
  assertScope("'my db' = host=x", "'", 'punctuation.definition.string.begin');
  assertScope('[pgbouncer] listen_port = 6432', 'listen_port', 'support.type.property-name');
});

test('numbers, fractions of seconds and units PgBouncer does not know', () => {
  assertScope('listen_port = 6432', '6432', 'constant.numeric.integer');
  assertScope('so_reuseport = 1', '1', 'constant.numeric.integer');
  assertScope('unix_socket_mode = 0777', '0777', 'constant.numeric.integer');
  assertScope('max_packet_size = 0x7fffffff', '0x7fffffff', 'constant.numeric.integer.hexadecimal');
  assertScope('query_timeout = 1.5', '1.5', 'constant.numeric.float');
  assertScope('query_timeout = 1e3', '1e3', 'constant.numeric.float');
  assertScope('server_lifetime = 30min', '30', 'constant.numeric.integer');
  assertScope('server_lifetime = 30min', 'min', 'invalid.illegal.unit');
  assertScope('query_timeout = 2.5s', 's', 'invalid.illegal.unit');
  assertScope('max_packet_size = 64kB', 'kB', 'invalid.illegal.unit');
  // Numbers inside other values stay text.
  assertScope('listen_addr = 10.0.0.1', '10.0.0.1', 'string.unquoted.value');
  assertScope('logfile = 2024.log', '2024.log', 'string.unquoted.value');
});

test('every enum value and TLS keyword of the catalog is an enum word, in any case', () => {
  const words = new Set<string>();
  for (const s of allSettings()) for (const value of s.values ?? []) words.add(value.name);
  for (const word of [...GRAMMAR.tls.protocolWords, ...GRAMMAR.tls.cipherKeywords]) words.add(word.name);
  assert.ok(words.size > 20);
  // And no word that the catalog does not have.
  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, GRAMMAR_FILES[INI]), 'utf8'));
  const alternation = /^\(\?i:(.*)\)$/.exec(
    raw.repository.parameter.patterns[2].match.replace(/^\\G|\(\?= \|\$\)$/g, ''),
  );
  assert.ok(alternation, 'the enum alternation of connection strings');
  assert.deepEqual(alternation[1].replace(/\\\./g, '.').split('|').sort(), [...words].sort());
  for (const word of words) {
    assertScope(`some_setting = ${word}`, word, 'constant.language');
    assertScope(`some_setting = ${word.toUpperCase()}`, word.toUpperCase(), 'constant.language');
    assertScope(`db = pool_mode=${word}`, word, 'constant.language');
  }
  const list = 'tls_protocols = tlsv1.2,tlsv1.3';
  assertScope(list, 'tlsv1.3', 'constant.language');
  assertScope(list, ',', 'punctuation.separator');
  // An enum word inside other text is text.
  assertScope('server_reset_query = DISCARD ALL', 'DISCARD ALL', 'string.unquoted.value');
  assertScope('auth_dbname = sessions', 'sessions', 'string.unquoted.value');
});

test('%include lines: the keyword and the path', () => {
  const line = '%include /etc/pgbouncer/my databases.ini';
  assertScope(line, '%include', 'keyword.control.import');
  assertScope(line, '/etc/pgbouncer/my databases.ini', 'string.unquoted.path');
  assertScope('%INCLUDE x.ini', '%INCLUDE', 'invalid.illegal');
  assertScope('%include', '%include', 'invalid.illegal');
});

test('connection strings: parameter names, values, quoted values and their escapes', () => {
  const line = "app = host=db.internal port=5432 dbname=app password='it''s secret' pool_mode=transaction";
  assertScope(line, 'host', 'entity.other.attribute-name');
  assertScope(line, 'dbname', 'entity.other.attribute-name');
  assertScope(line, 'password', 'entity.other.attribute-name');
  assertScope(line, 'db.internal', 'string.unquoted');
  assertScope(line, '5432', 'constant.numeric.integer');
  assertScope(line, 'transaction', 'constant.language');
  assertScope(line, "''", 'constant.character.escape');
  assertScope(line, 's secret', 'string.quoted.single');
  assertScope(line, 'port', 'meta.connection-string');
  const tokens = tokenize(line)[0].filter((t) => t.text === '=');
  assert.equal(tokens.length, 6);
  for (const token of tokens) assert.ok(hasScope(token.scopes, 'keyword.operator.assignment'));
  // Blanks around '=' are allowed; an unquoted value runs to the next space, '=' included.
  assertScope('app = host = db user=a=b', 'db', 'string.unquoted');
  assertScope('app = host = db user=a=b', 'a=b', 'string.unquoted');
  // What PgBouncer drops or refuses.
  assertScope("app = host='db'x port=1", 'x', 'invalid.illegal.dropped');
  assertScope('app = host=db extra', 'extra', 'invalid.illegal');
  // [users] and [peers] values have the same shape.
  assertScope(
    'alice = pool_mode=session max_user_connections=10',
    'max_user_connections',
    'entity.other.attribute-name',
  );
  assertScope('1 = host=/tmp/peer1 port=6432', 'host', 'entity.other.attribute-name');
});

test('a setting value with = inside is not taken for a connection string', () => {
  const line = 'auth_query = SELECT usename, passwd FROM pg_shadow WHERE usename=$1';
  assertScope(line, 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1', 'string.unquoted.value');
  assertNoScope(line, 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1', 'meta.connection-string');
});

test('suppression comments show their directive', () => {
  assertScope(
    '; pgbouncer-lint: disable-next-line inline-comment',
    'disable-next-line',
    'keyword.other.directive',
  );
  assertScope('; pgbouncer-lint: disable-next-line inline-comment', ' inline-comment', 'comment.line');
});

/** Offsets of each line of `text` as the tokenizer sees lines. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push((match.index ?? 0) + match[0].length);
  return starts;
}

test('on every fixture, comments, keys, headers and values are where PgBouncer reads them', () => {
  const files = [
    ...fs
      .readdirSync(path.join(ROOT, 'test/fixtures'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ini'))
      .map((name) => path.join(ROOT, 'test/fixtures', name)),
    ...['examples/pgbouncer.ini', 'examples/pgbouncer-secure.ini'].map((name) => path.join(ROOT, name)),
  ];
  assert.ok(files.length > 20);
  let checkedItems = 0;
  for (const file of files) {
    // Editors do not show a byte order mark as text.
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const starts = lineStarts(text);
    const scopesAt: string[][] = [];
    tokenize(text).forEach((tokens, line) => {
      let offset = starts[line];
      for (const token of tokens)
        for (let i = 0; i < token.text.length; i++) scopesAt[offset++] = token.scopes;
    });
    const parsed = parse(text);
    const limit = parsed.nulOffset ?? text.length;
    const where = (offset: number): string => {
      const position = parsed.lineIndex.positionAt(offset);
      return `${path.relative(ROOT, file)}:${position.line + 1}:${position.character + 1}`;
    };
    const expect = (start: number, end: number, check: (scopes: string[]) => boolean, what: string): void => {
      for (let offset = start; offset < Math.min(end, limit); offset++) {
        const scopes = scopesAt[offset] ?? [];
        assert.ok(check(scopes), `${where(offset)}: ${what}, but the grammar says ${scopes.join(' ')}`);
      }
    };
    for (const item of parsed.items) {
      checkedItems++;
      if (item.kind === 'comment') {
        expect(item.span.start, item.span.end, (s) => hasScope(s, 'comment'), 'PgBouncer reads a comment');
      } else if (item.kind === 'entry') {
        expect(item.span.start, item.span.end, (s) => !hasScope(s, 'comment'), 'PgBouncer reads no comment');
        expect(
          item.key.span.start,
          item.key.span.end,
          (s) => hasScope(s, 'support.type.property-name'),
          'PgBouncer reads a key',
        );
        expect(
          item.equalsOffset,
          item.equalsOffset + 1,
          (s) => hasScope(s, 'keyword.operator.assignment'),
          "PgBouncer reads the '='",
        );
      } else if (item.kind === 'section') {
        expect(
          item.nameSpan.start,
          item.nameSpan.end,
          (s) => hasScope(s, 'entity.name.section') || hasScope(s, 'invalid.illegal.section'),
          'PgBouncer reads a section name',
        );
      } else if (item.kind === 'include') {
        expect(
          item.keywordSpan.start,
          item.keywordSpan.end,
          (s) => hasScope(s, 'keyword.control.import'),
          'PgBouncer reads %include',
        );
      }
    }
  }
  assert.ok(checkedItems > 500);
});

// --- userlist.txt ----------------------------------------------------------------------------

test('userlist: user names, secrets, escapes and ignored fields', () => {
  const line = '"al""ice" "pa""ss" "extra field"';
  assertScope(line, 'al', 'support.type.property-name.user', USERLIST);
  assertScope(line, '""', 'constant.character.escape', USERLIST);
  assertScope(line, 'pa', 'string.quoted.double.secret', USERLIST);
  assertScope(line, ' "extra field"', 'comment.line.ignored', USERLIST);
  assertScope('"bob" x "secret"', 'x', 'invalid.deprecated', USERLIST);
});

test('userlist: MD5 hashes and SCRAM secrets show their parts', () => {
  const md5 = '"admin" "md545f2603610af569b6155c45067268c6b"';
  assertScope(md5, 'md5', 'storage.type.hash.md5', USERLIST);
  assertScope(md5, '45f2603610af569b6155c45067268c6b', 'constant.other.hash', USERLIST);
  // Upper-case digits are not an MD5 hash for PgBouncer: just text.
  assertScope(
    '"a" "md545F2603610AF569B6155C45067268C6B"',
    'md545F2603610AF569B6155C45067268C6B',
    'string',
    USERLIST,
  );
  const key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  const scram = `"app" "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$${key}:${key}"`;
  assertScope(scram, 'SCRAM-SHA-256', 'storage.type.hash.scram', USERLIST);
  assertScope(scram, '4096', 'constant.numeric.integer.iterations', USERLIST);
  assertScope(scram, 'c2FsdHNhbHQ=', 'constant.other.salt', USERLIST);
  assertScope(scram, key, 'constant.other.hash', USERLIST);
});

test('userlist: ; comments; # and unquoted lines are invalid, since PgBouncer stops there', () => {
  assertScope('; a comment', ' a comment', 'comment.line.semicolon', USERLIST);
  assertScope('# not a comment', '# not a comment', 'invalid.illegal', USERLIST);
  assertNoScope('# not a comment', '# not a comment', 'comment', USERLIST);
  assertScope('alice "secret"', 'alice "secret"', 'invalid.illegal', USERLIST);
  assertScope('"alice" "unterminated', '"unterminated', 'invalid.illegal', USERLIST);
  assertScope('"unterminated', '"unterminated', 'invalid.illegal', USERLIST);
});

// --- language configurations and package.json -----------------------------------------------

interface LanguageConfiguration {
  comments: { lineComment: string };
  autoClosingPairs: { open: string; close: string }[];
  wordPattern: string;
  folding?: { markers: { start: string; end: string } };
  onEnterRules?: { beforeText: string; action: { appendText?: string } }[];
}

function languageConfiguration(file: string): LanguageConfiguration {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes', file), 'utf8')) as LanguageConfiguration;
}

/** The words VS Code finds in a line with the configuration's wordPattern. */
function words(configuration: LanguageConfiguration, line: string): string[] {
  return [...line.matchAll(new RegExp(configuration.wordPattern, 'g'))].map((match) => match[0]);
}

test('pgbouncer.ini language configuration: comments, pairs, words, folding markers', () => {
  const configuration = languageConfiguration('language-configuration.json');
  assert.equal(configuration.comments.lineComment, ';');
  assert.deepEqual(
    configuration.autoClosingPairs.map((pair) => pair.open + pair.close),
    ['[]', "''"],
  );
  assert.deepEqual(words(configuration, 'max_client_conn = 100'), ['max_client_conn', '100']);
  assert.deepEqual(words(configuration, 'auth_type = scram-sha-256'), ['auth_type', 'scram-sha-256']);
  assert.deepEqual(words(configuration, '%include /etc/x.ini'), ['%include', 'etc', 'x.ini']);
  assert.deepEqual(words(configuration, 'app = host=db port=5432'), ['app', 'host', 'db', 'port', '5432']);
  const markers = configuration.folding!.markers;
  assert.ok(new RegExp(markers.start).test('; #region pools'));
  assert.ok(new RegExp(markers.end).test('; #endregion'));
  assert.ok(!new RegExp(markers.start).test('; #endregion'));
  const rule = configuration.onEnterRules![0];
  assert.ok(new RegExp(rule.beforeText).test(';; The address to listen on.'));
  assert.ok(!new RegExp(rule.beforeText).test(';;'), 'an empty ;; line ends the comment block');
  assert.ok(
    !new RegExp(rule.beforeText).test(';listen_port = 6432'),
    'a commented-out setting is not continued',
  );
});

test('userlist language configuration: ; comments, quotes, secrets are one word', () => {
  const configuration = languageConfiguration('userlist-language-configuration.json');
  assert.equal(configuration.comments.lineComment, ';');
  assert.deepEqual(
    configuration.autoClosingPairs.map((pair) => pair.open + pair.close),
    ['""'],
  );
  const secret = 'SCRAM-SHA-256$4096:c2FsdA==$abc+/=:def';
  assert.deepEqual(words(configuration, `"app.user" "${secret}"`), ['app.user', secret]);
});

test('package.json contributes both grammars and configurations at the paths tested here', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      grammars: { language: string; scopeName: string; path: string }[];
      languages: { id: string; configuration: string }[];
    };
  };
  for (const [scopeName, file] of Object.entries(GRAMMAR_FILES)) {
    const contributed = manifest.contributes.grammars.find((g) => g.scopeName === scopeName);
    assert.ok(contributed, `${scopeName} is contributed`);
    assert.equal(path.normalize(contributed.path), path.normalize(`./${file}`));
    const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, scopeName);
  }
  for (const language of manifest.contributes.languages) {
    assert.ok(fs.existsSync(path.join(ROOT, language.configuration)), `${language.configuration} exists`);
  }
});
