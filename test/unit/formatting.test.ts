import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FormattingOptions, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import type { LintOptions, LintResult } from '../../server/src/analysis/engine';
import { applyReplacements, formatReplacements } from '../../server/src/features/format-lines';
import { formatDocument } from '../../server/src/features/formatting';
import type { FileSystem } from '../../server/src/files/file-system';
import { parseConnString } from '../../server/src/syntax/connstring';
import { sectionInfo } from '../../server/src/catalog/catalog';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Settings } from '../../server/src/settings';
import { FIXTURES_DIR } from '../support/fixtures';
import type { FixtureExpectation } from '../support/fixtures';

const EDITING = path.join(FIXTURES_DIR, 'editing');
const OPTIONS: FormattingOptions = { tabSize: 4, insertSpaces: true };

function settingsWith(alignValues: boolean, alignParameters: boolean): Settings {
  return { ...DEFAULT_SETTINGS, format: { alignValues, alignParameters } };
}

const PLAIN = settingsWith(false, false);
const ALIGNED = settingsWith(true, true);

function format(
  text: string,
  lint: Partial<LintOptions> = {},
  settings = PLAIN,
  options = OPTIONS,
  range?: Range,
): string {
  const result = lintText(text, {
    filePath: path.join(EDITING, 'scratch.ini'),
    useProjectFile: false,
    ...lint,
  });
  const edits = formatDocument(result, options, settings, range);
  return TextDocument.applyEdits(TextDocument.create('file:///x.ini', 'pgbouncer-ini', 1, text), edits);
}

/**
 * What PgBouncer makes of a configuration: every event of every file in order (sections, keys,
 * values; connection strings as their parameters), the settings in force and the finding codes.
 */
function meaning(result: LintResult): unknown {
  const events = result.model.events.map((event) => {
    switch (event.kind) {
      case 'section':
        return ['section', event.file.path, event.header.name];
      case 'include':
        return ['include', event.file.path, event.include.path, event.resolvedPath, event.problem?.kind];
      case 'error':
        return ['error', event.file.path, event.error.code];
      case 'entry': {
        const { entry, section } = event;
        let value: unknown = entry.value.text;
        if (section !== null && sectionInfo(section)?.kind === 'connection-strings') {
          const parsed = parseConnString(entry.value.text, 0);
          if (!parsed.error) {
            value = parsed.params.map((p) => [p.key, p.value, p.quoted, p.droppedAfterQuote !== undefined]);
          }
        }
        return ['entry', event.file.path, section, entry.key.text, entry.key.quoted, value];
      }
    }
  });
  const main = [...result.effective.main].map(([name, at]) => [name, at.entry.value.text]);
  const codes = result.findings.map((finding) => finding.code).sort();
  return { events, main, codes, nul: result.model.root.parsed.nulOffset !== null };
}

function assertKeepsMeaning(before: string, after: string, lint: LintOptions, what: string): void {
  const a = lintText(before, lint);
  const b = lintText(after, lint);
  assert.deepEqual(
    meaning(b),
    meaning(a),
    `${what}: formatting changed the meaning\n${JSON.stringify(before)}\n${JSON.stringify(after)}`,
  );
}

test('formatting the fixture: key = value, connection strings re-spaced, blanks trimmed, the rest kept', () => {
  const input = fs.readFileSync(path.join(EDITING, 'format.ini'), 'utf8');
  const expected = fs.readFileSync(path.join(EDITING, 'format.formatted.ini'), 'utf8');
  assert.equal(format(input), expected);
  assert.equal(format(expected), expected, 'formatting twice is formatting once');
});

test('aligned formatting: = in one column per block, connection-string parameters in columns', () => {
  const input = fs.readFileSync(path.join(EDITING, 'format.ini'), 'utf8');
  const expected = fs.readFileSync(path.join(EDITING, 'format.aligned.ini'), 'utf8');
  assert.equal(format(input, {}, ALIGNED), expected);
  assert.equal(format(expected, {}, ALIGNED), expected);
  const text = [
    '[databases]',
    'app = host=10.0.0.1 port=5432 dbname=app',
    '; a comment does not end the block',
    "billing = host=10.0.0.22 port=5432 dbname='billing db' pool_size=40",
    '',
    'other = host=x',
    '[pgbouncer]',
    'listen_port = 6432',
    'max_client_conn = 100',
  ].join('\n');
  assert.equal(
    format(text, {}, settingsWith(false, true)),
    [
      '[databases]',
      'app     = host=10.0.0.1  port=5432 dbname=app',
      '; a comment does not end the block',
      "billing = host=10.0.0.22 port=5432 dbname='billing db' pool_size=40",
      '',
      'other = host=x',
      '[pgbouncer]',
      'listen_port = 6432',
      'max_client_conn = 100',
    ].join('\n'),
  );
  assert.equal(
    format(text, {}, settingsWith(true, false)),
    [
      '[databases]',
      'app     = host=10.0.0.1 port=5432 dbname=app',
      '; a comment does not end the block',
      "billing = host=10.0.0.22 port=5432 dbname='billing db' pool_size=40",
      '',
      'other = host=x',
      '[pgbouncer]',
      'listen_port     = 6432',
      'max_client_conn = 100',
    ].join('\n'),
  );
});

test('CRLF files keep CRLF; each line keeps its own line break', () => {
  assert.equal(format('[pgbouncer]\r\nlisten_port=1  \r\n\r\n'), '[pgbouncer]\r\nlisten_port = 1\r\n\r\n');
  assert.equal(
    format('[pgbouncer]\r\nlisten_port=1\nlisten_addr=*\r\n'),
    '[pgbouncer]\r\nlisten_port = 1\nlisten_addr = *\r\n',
  );
});

test('what must not change: values, quotes, tabs in connection strings, lines PgBouncer reads differently', () => {
  const unchanged = [
    // A tab is part of the host value, not a separator.
    '[databases]\napp = host=a\tport=5',
    // The character after a closing quote is dropped by PgBouncer: leave the whole value.
    "[databases]\napp = dbname='a'host=b  port=1",
    // A connection string PgBouncer refuses.
    "[databases]\napp = host=a   dbname='oops",
    // Syntax errors, with their trailing blanks.
    '[pgbouncer]\nlisten port = 1  ',
    // A lone \r is a line break for the editor only: PgBouncer reads one long value.
    '[pgbouncer]\nlisten_addr=a\r  listen_port = 1',
    // Everything after a NUL is ignored by PgBouncer; the line with it is left alone.
    '[pgbouncer]\nlisten_port=1\0 x  \nlisten_addr=2  ',
    // "%include" without a name: one blank less would make it a syntax error.
    '[pgbouncer]\n%include \t',
    // A byte order mark.
    '\uFEFF[pgbouncer]  ',
  ];
  for (const text of unchanged) assert.equal(format(text), text, JSON.stringify(text));
  // Values keep their inner blanks and quotes; [pgbouncer] values are not connection strings.
  assert.equal(
    format("[pgbouncer]\nserver_reset_query =  DISCARD   ALL  \nauth_query='SELECT  1'\n"),
    "[pgbouncer]\nserver_reset_query = DISCARD   ALL\nauth_query = 'SELECT  1'\n",
  );
  assert.equal(
    format('[pgbouncer]\nlisten_addr = host=a   port=1\n'),
    '[pgbouncer]\nlisten_addr = host=a   port=1\n',
  );
  // Blanks around '=' inside a connection string are separators, quoted values stay as written.
  assert.equal(
    format("[databases]\napp  =  host = a    password='x  ''y'''  port =5\n"),
    "[databases]\napp = host=a password='x  ''y''' port=5\n",
  );
});

test('range formatting changes only the lines in the range', () => {
  const text = '[pgbouncer]\nlisten_port=1\nlisten_addr=*\nmax_client_conn=10\n';
  const range = { start: { line: 2, character: 3 }, end: { line: 2, character: 5 } };
  assert.equal(
    format(text, {}, PLAIN, OPTIONS, range),
    '[pgbouncer]\nlisten_port=1\nlisten_addr = *\nmax_client_conn=10\n',
  );
  // A selection of whole lines ends at the start of the next line, which stays as it is.
  const lines = { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } };
  assert.equal(
    format(text, {}, PLAIN, OPTIONS, lines),
    '[pgbouncer]\nlisten_port = 1\nlisten_addr = *\nmax_client_conn=10\n',
  );
  // Alignment inside a range follows the whole block.
  assert.equal(
    format(text, {}, ALIGNED, OPTIONS, range),
    '[pgbouncer]\nlisten_port=1\nlisten_addr     = *\nmax_client_conn=10\n',
  );
});

test('final line breaks follow the editor options', () => {
  const trim = { ...OPTIONS, trimFinalNewlines: true };
  const insert = { ...OPTIONS, insertFinalNewline: true };
  assert.equal(
    format('[pgbouncer]\nlisten_port=1\n\n  \n\n', {}, PLAIN, trim),
    '[pgbouncer]\nlisten_port = 1\n',
  );
  assert.equal(
    format('[pgbouncer]\r\nlisten_port=1', {}, PLAIN, insert),
    '[pgbouncer]\r\nlisten_port = 1\r\n',
  );
  // Nothing is done to a line PgBouncer cannot read, not even at the end of the file.
  assert.equal(format('[pgbouncer]\nlisten port', {}, PLAIN, insert), '[pgbouncer]\nlisten port');
  assert.equal(format('[pgbouncer]\n  ', {}, PLAIN, insert), '[pgbouncer]\n');
  assert.equal(format('\n\n', {}, PLAIN, { ...trim, ...insert }), '');
  assert.equal(format('[pgbouncer]\n\n\n', {}, PLAIN, OPTIONS), '[pgbouncer]\n\n\n', 'kept unless asked');
});

/** Every .ini file below test/fixtures, with the target version and run directory of its expectation. */
function allFixtures(): { file: string; lint: LintOptions }[] {
  const found: { file: string; lint: LintOptions }[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.ini')) {
        const expectedPath = file.replace(/\.ini$/, '.expected.json');
        const expected = fs.existsSync(expectedPath)
          ? (JSON.parse(fs.readFileSync(expectedPath, 'utf8')) as FixtureExpectation)
          : undefined;
        found.push({
          file,
          lint: {
            filePath: file,
            targetVersion: expected?.targetVersion,
            runDirectory: expected?.runDirectory
              ? path.resolve(FIXTURES_DIR, expected.runDirectory)
              : undefined,
          },
        });
      }
    }
  };
  walk(FIXTURES_DIR);
  return found;
}

const SETTINGS_VARIANTS = [PLAIN, settingsWith(true, false), settingsWith(false, true), ALIGNED];

test('every fixture means the same after formatting, and formatting twice is formatting once', () => {
  const fixtures = allFixtures();
  assert.ok(fixtures.length > 100, `only ${fixtures.length} fixtures`);
  let changed = 0;
  for (const { file, lint } of fixtures) {
    const text = fs.readFileSync(file, 'utf8');
    const before = lintText(text, lint);
    for (const settings of SETTINGS_VARIANTS) {
      const document = TextDocument.create('file:///x.ini', 'pgbouncer-ini', 1, text);
      const once = TextDocument.applyEdits(document, formatDocument(before, OPTIONS, settings));
      if (once !== text) changed++;
      assertKeepsMeaning(text, once, lint, path.relative(FIXTURES_DIR, file));
      const again = formatDocument(lintText(once, lint), OPTIONS, settings);
      assert.equal(
        TextDocument.applyEdits(TextDocument.create('file:///y.ini', 'pgbouncer-ini', 1, once), again),
        once,
        `${path.relative(FIXTURES_DIR, file)}: formatting twice differs`,
      );
    }
  }
  assert.ok(changed > 20, 'the fixtures give the formatter something to do');
});

// ---------------------------------------------------------------------------------------------
// Random configurations, built from the pieces PgBouncer's reader treats specially.

const VIRTUAL = '/virtual';
const virtualFiles: Record<string, string> = {
  [`${VIRTUAL}/inc.ini`]: '[databases]\nfrom_include = host=x\n',
  [`${VIRTUAL}/main-part.ini`]: 'listen_port = 1\n',
};
const memoryFs: FileSystem = {
  readFile: (file) =>
    file in virtualFiles ? { text: virtualFiles[file] } : { problem: { kind: 'missing' } },
  stat: (file) => (file in virtualFiles ? 'file' : file === VIRTUAL ? 'directory' : null),
};
const RANDOM_LINT: LintOptions = {
  filePath: `${VIRTUAL}/pgbouncer.ini`,
  fileSystem: memoryFs,
  useProjectFile: false,
};

const blank = fc.constantFrom('', ' ', '  ', '\t', ' \t ', '\v', '\f');
const header = fc.constantFrom(
  '[pgbouncer]',
  '[databases]',
  '[users]',
  '[peers]',
  '[ pgbouncer ]',
  '[]',
  '[x',
);
const key = fc.constantFrom(
  'listen_port',
  'max_client_conn',
  'auth_file',
  'server_reset_query',
  'pool_mode',
  'app',
  'db.x',
  '*',
  "'quoted key'",
  "'auth_type'",
  '1',
  '',
  'a b',
  'bad:',
);
const equals = fc.constantFrom('=', ' = ', '\t=\t', '  =', '= ', ' =  ');
const value = fc.constantFrom(
  '6432',
  '0100',
  '900',
  'session',
  'DISCARD  ALL',
  'host=a',
  'host=a  port=1',
  'host = a   port = 2',
  "dbname='x y'  user=u",
  "dbname='a'b port=1",
  "dbname='a' port=1",
  'host=a\tport=2',
  "password='it''s'",
  "'unterminated",
  'host=a # c',
  'a=b=c',
  '=x',
  'x=',
  'pool_size=5 reserve_pool=1',
  '',
  'userlist.txt',
);
const comment = fc.constantFrom('; c', '# c  ', ';', '#', ';; two');
const include = fc.constantFrom(
  '%include inc.ini',
  '%include\t inc.ini',
  '%include main-part.ini',
  '%include missing.ini',
  '%include ',
  '%include',
  '%include  ',
);
const item = fc.oneof(
  header,
  comment,
  include,
  fc.tuple(key, equals, value).map((parts) => parts.join('')),
  fc.tuple(header, blank, key, equals, value).map((parts) => parts.join('')),
  fc.tuple(header, blank, comment).map((parts) => parts.join('')),
  fc.constant(''),
);
const lineBreak = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r', '\r\r\n');
const line = fc.tuple(blank, item, blank, lineBreak).map((parts) => parts.join(''));
const configuration = fc
  .tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom('', '\0', '\uFEFF', 'tail'))
  .map(([lines, extra]) => {
    const text = lines.join('');
    if (extra === '\uFEFF') return extra + text;
    if (extra === '\0') return text.slice(0, text.length >> 1) + extra + text.slice(text.length >> 1);
    return extra === 'tail' ? text + 'listen_addr = x  ' : text;
  });
/** Anything at all, from characters that matter to the reader. */
const noise = fc
  .array(
    fc.constantFrom(
      '[',
      ']',
      '=',
      ' ',
      '\t',
      '\n',
      '\r',
      "'",
      'a',
      '#',
      ';',
      '%include ',
      'host=',
      '0',
      '\0',
    ),
    {
      maxLength: 40,
    },
  )
  .map((chars) => chars.join(''));

function checkRandom(text: string, alignValues: boolean, alignParameters: boolean, trim: boolean): void {
  const result = lintText(text, RANDOM_LINT);
  const sections = new Map<unknown, string | null>();
  for (const event of result.model.events) {
    if (event.kind === 'entry' && event.file === result.model.root) sections.set(event.entry, event.section);
  }
  // The formatter's own output, before the safety check that drops a result that would mean something else.
  const replacements = formatReplacements(result.model.root.parsed, (entry) => sections.get(entry) ?? null, {
    alignValues,
    alignParameters,
    trimFinalNewlines: trim,
    insertFinalNewline: trim,
  });
  const once = applyReplacements(text, replacements);
  assertKeepsMeaning(text, once, RANDOM_LINT, 'random input');
  const settings = settingsWith(alignValues, alignParameters);
  const options = { ...OPTIONS, trimFinalNewlines: trim, insertFinalNewline: trim };
  const edits = formatDocument(result, options, settings);
  const viaEdits = TextDocument.applyEdits(
    TextDocument.create('file:///r.ini', 'pgbouncer-ini', 1, text),
    edits,
  );
  assert.equal(viaEdits, once, 'the LSP edits give the same text');
  const again = formatDocument(lintText(once, RANDOM_LINT), options, settings);
  const twice = TextDocument.applyEdits(
    TextDocument.create('file:///r.ini', 'pgbouncer-ini', 1, once),
    again,
  );
  assert.equal(twice, once, `formatting twice differs for ${JSON.stringify(text)}`);
}

test('random configurations mean the same after formatting, which is idempotent', () => {
  fc.assert(
    fc.property(configuration, fc.boolean(), fc.boolean(), fc.boolean(), (text, a, b, trim) =>
      checkRandom(text, a, b, trim),
    ),
    { numRuns: 400 },
  );
});

test('random characters mean the same after formatting', () => {
  fc.assert(
    fc.property(noise, fc.boolean(), (text, align) => checkRandom(text, align, align, false)),
    { numRuns: 400 },
  );
});

test('random ranges format only their lines and keep the meaning', () => {
  fc.assert(
    fc.property(configuration, fc.nat(), fc.nat(), (text, a, b) => {
      const document = TextDocument.create('file:///r.ini', 'pgbouncer-ini', 1, text);
      const [from, to] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y);
      const range = { start: document.positionAt(from), end: document.positionAt(to) };
      const result = lintText(text, RANDOM_LINT);
      const edits = formatDocument(result, OPTIONS, ALIGNED, range);
      for (const edit of edits) {
        const start = document.offsetAt(edit.range.start);
        const end = document.offsetAt(edit.range.end);
        // Each edit is one line, and that line overlaps the range.
        assert.ok(!text.slice(start, end).includes('\n'));
        const lineStart = text.lastIndexOf('\n', start - 1) + 1;
        const nl = text.indexOf('\n', end);
        const lineEnd = nl === -1 ? text.length : nl;
        assert.ok(lineStart <= to && lineEnd >= from, 'the edited line overlaps the range');
      }
      assertKeepsMeaning(text, TextDocument.applyEdits(document, edits), RANDOM_LINT, 'random range');
    }),
    { numRuns: 200 },
  );
});
