// The fuzz properties: random and mutated configurations through the parser, the include loader,
// validation, every rule and every editor feature (./features.ts) at random positions. For each
// input: no exception, every finding, fix and feature result inside its file, and a time bound.
// They run in a worker (./fuzz-worker.ts) so that a hang can be stopped; ./fuzz.test.ts drives it.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { ResponseError } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../../server/src/analysis/engine';
import { nodeFileSystem } from '../../server/src/analysis/engine';
import { MAX_ANALYSIS_BYTES } from '../../server/src/files/read-budget';
import { diagnosticsOf, lintDocument } from '../../server/src/features/diagnostics';
import type { FileSystem } from '../../server/src/files/file-system';
import { allSections, allSettings, RELEASES } from '../../server/src/catalog/catalog';
import { normalizeSettings } from '../../server/src/settings';
import { FEATURES, lineLengths, positionProblems } from './features';
import type { FeatureContext } from './features';
import { ANYWHERE } from '../support/typed-text';

export const DIR = '/fuzz';
export const MAIN = `${DIR}/pgbouncer.ini`;
export const URI = `file://${MAIN}`;

export interface FuzzInput {
  text: string;
  /** Other files, by absolute path (a trailing '/' makes a directory). */
  files: Record<string, string>;
  /**
   * Read real files instead (the guarded reader on this machine's file system): the configuration is
   * written as pgbouncer.ini into a folder of special files (see specialFilesFolder), where '@DIR@'
   * in the text stands for that folder, and `projectFile` names the special file that
   * .pgbouncerlintrc.json is made to be.
   */
  onDisk?: { projectFile: string | null };
  /** Raw editor settings, normalized as the server does. */
  settings: Record<string, unknown>;
  /** Cursor positions as [line, character]; may lie past the end. */
  positions: [number, number][];
  newName: string;
}

// ---------------------------------------------------------------------------------------------
// An in-memory file system: nothing is read from or written to disk.

export function memoryFileSystem(files: Record<string, string>): FileSystem {
  const texts = new Map<string, string>();
  const dirs = new Set<string>([DIR, '/']);
  for (const [name, text] of Object.entries(files)) {
    if (name.endsWith('/')) dirs.add(name.replace(/\/+$/, '') || '/');
    else texts.set(name, text);
  }
  for (const name of [...texts.keys(), ...dirs]) {
    for (let dir = path.dirname(name); dir !== '/' && !dirs.has(dir); dir = path.dirname(dir)) dirs.add(dir);
  }
  return {
    readFile(filePath) {
      const text = texts.get(filePath);
      if (text !== undefined) return { text };
      return {
        problem: dirs.has(filePath) ? { kind: 'not-regular', fileKind: 'directory' } : { kind: 'missing' },
      };
    },
    stat(filePath) {
      if (texts.has(filePath)) return 'file';
      return dirs.has(filePath) ? 'directory' : null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One run: lint, check the findings, call every feature, check what they return.

/**
 * Milliseconds one input may take, everything included. These bounds catch hangs and blow-ups, not
 * slowness (speed is the benchmark's business): generous, since a CI machine may be slow or busy
 * (a large input took 20.5 s on a loaded 2-core machine; it takes 8 s on an idle one).
 */
export const NORMAL_BOUND_MS = 10000;
export const LARGE_BOUND_MS = 60000;

function spanProblems(result: LintResult, texts: Map<string, string>): string[] {
  const problems: string[] = [];
  const inside = (file: string, span: { start: number; end: number }, what: string): void => {
    const text = texts.get(file);
    if (text === undefined) {
      problems.push(`${what}: names a file that was not loaded: ${file}`);
      return;
    }
    const { start, end } = span;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > text.length) {
      problems.push(`${what}: span ${JSON.stringify(span)} is outside ${file} (length ${text.length})`);
    }
  };
  result.findings.forEach((finding, i) => {
    const what = `finding ${i} [${finding.code}]`;
    inside(finding.file, finding.span, what);
    for (const related of finding.related ?? []) inside(related.file, related.span, `${what} related`);
    for (const fix of finding.fixes ?? []) {
      for (const edit of fix.edits) inside(edit.file, edit.span, `${what} fix '${fix.title}'`);
    }
  });
  return problems;
}

export interface RunReport {
  ms: number;
  /** Findings, to let the generators be checked for variety. */
  findings: number;
}

// ---------------------------------------------------------------------------------------------
// Real special files, for inputs read from disk: what a stranger's configuration can name.

let specialFolder: string | null = null;
let specialSocket: net.Server | null = null;

/** Names in the special files folder and what they are. */
export const SPECIAL_FILES = [
  'fifo',
  'socket',
  'zero',
  'urandom',
  'null',
  'dir',
  'huge.inc',
  'big.inc',
  'loop',
  'regular.inc',
  'missing',
] as const;

/**
 * Where the special files are: one folder per process (the workers are threads of the test's process),
 * which fuzz.test.ts removes at the end; a stopped worker has no chance to.
 */
export function specialFilesFolderPath(): string {
  return path.join(os.tmpdir(), `pgb-fuzz-special-${process.pid}`);
}

/** A folder with a FIFO, a listening socket, links to devices, a sparse 200 MB file and plain files. */
export function specialFilesFolder(): string {
  if (specialFolder) return specialFolder;
  const folder = specialFilesFolderPath();
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder);
  execFileSync('mkfifo', [path.join(folder, 'fifo')]);
  specialSocket = net.createServer().listen(path.join(folder, 'socket'));
  specialSocket.unref();
  fs.symlinkSync('/dev/zero', path.join(folder, 'zero'));
  fs.symlinkSync('/dev/urandom', path.join(folder, 'urandom'));
  fs.symlinkSync('/dev/null', path.join(folder, 'null'));
  fs.mkdirSync(path.join(folder, 'dir'));
  fs.closeSync(fs.openSync(path.join(folder, 'huge.inc'), 'w'));
  fs.truncateSync(path.join(folder, 'huge.inc'), 200 * 1024 * 1024);
  const databases = Array.from({ length: 20_000 }, (_, i) => `db${i} = host=h${i % 9} dbname=d${i}`);
  fs.writeFileSync(path.join(folder, 'big.inc'), `[databases]\n${databases.join('\n')}\n`);
  fs.symlinkSync('loop', path.join(folder, 'loop'));
  fs.writeFileSync(path.join(folder, 'regular.inc'), '[pgbouncer]\nmax_client_conn = 10\n');
  specialFolder = folder;
  return folder;
}

function placeProjectFile(folder: string, kind: string | null): void {
  const rc = path.join(folder, '.pgbouncerlintrc.json');
  fs.rmSync(rc, { force: true, recursive: true });
  if (kind === null) return;
  if (kind === 'json') fs.writeFileSync(rc, '{"targetVersion": "1.21"}');
  else fs.symlinkSync(kind, rc);
}

/** Runs one input through everything; throws with a description of the first problem. */
export function runInput(input: FuzzInput, boundMs: number): RunReport {
  if (input.onDisk) return runOnDisk(input, boundMs);
  const started = performance.now();
  const fileSystem = memoryFileSystem({ ...input.files, [MAIN]: input.text });
  const settings = normalizeSettings(input.settings);
  const document = TextDocument.create(URI, 'pgbouncer-ini', 1, input.text);
  const result = lintDocument(document, { settings, fileSystem });
  const texts = new Map(result.model.files.map((file) => [file.path, file.parsed.text]));
  const problems = [...spanProblems(result, texts), ...budgetProblems(result)];
  if (result.model.root.parsed.text !== input.text)
    problems.push('the model does not hold the text it was given');
  const diagnostics = diagnosticsOf(result);
  const lengths = lineLengths(input.text);
  input.positions.forEach(([line, character], i) => {
    const position = { line, character };
    const other = {
      line: Math.max(0, Math.min(lengths.length + 1, line + ((character % 5) - 2))),
      character: (line * 7) % 40,
    };
    const context: FeatureContext = {
      uri: URI,
      path: MAIN,
      document,
      result,
      settings,
      fileSystem,
      position,
      range: line % 3 === 0 ? { start: other, end: position } : { start: position, end: other },
      diagnostics,
      newName: input.newName,
    };
    for (const feature of FEATURES) {
      // Features without a position answer the same everywhere: once per document is enough.
      if (!feature.positional && i > 0) continue;
      let value: unknown;
      try {
        value = feature.call(context);
      } catch (error) {
        // A ResponseError is the feature's answer to the client (e.g. "this cannot be renamed").
        if (error instanceof ResponseError) continue;
        throw new Error(
          `${feature.name} threw at ${JSON.stringify(position)}: ${(error as Error).stack ?? String(error)}`,
        );
      }
      for (const problem of positionProblems(value, URI, input.text)) {
        problems.push(`${feature.name} at ${JSON.stringify(position)}: ${problem}`);
      }
    }
  });
  if (problems.length > 0) throw new Error(problems.slice(0, 10).join('\n'));
  const ms = performance.now() - started;
  if (ms > boundMs) {
    throw new Error(`took ${ms.toFixed(0)} ms, more than the ${boundMs} ms this input may take`);
  }
  return { ms, findings: result.findings.length };
}

/** Whatever is included, the analysis reads no more than its budget and says so once. */
function budgetProblems(result: LintResult): string[] {
  const problems: string[] = [];
  const budgetFindings = result.findings.filter(
    (f) => f.code === 'file-not-read' && /reads at most/.test(f.message),
  );
  if (budgetFindings.length > 1)
    problems.push(`${budgetFindings.length} findings about the read budget, not one`);
  const read = result.model.files.reduce((sum, file) => sum + file.parsed.text.length, 0);
  if (read > MAX_ANALYSIS_BYTES) problems.push(`the analysis read ${read} characters, more than its budget`);
  const overBudget = result.unread.some((file) => file.problem.kind === 'over-budget');
  if (overBudget !== (budgetFindings.length === 1)) {
    problems.push('files were left unread for the budget but no finding says so (or the other way round)');
  }
  return problems;
}

/**
 * An input read from real files: the lint must end within the bound whatever the paths name, say
 * what it did not read, and never more than one finding about the read budget.
 */
function runOnDisk(input: FuzzInput, boundMs: number): RunReport {
  const started = performance.now();
  const folder = specialFilesFolder();
  placeProjectFile(folder, input.onDisk!.projectFile);
  const text = input.text.split('@DIR@').join(folder);
  const settings = normalizeSettings(input.settings);
  const uri = `file://${folder}/pgbouncer.ini`;
  const document = TextDocument.create(uri, 'pgbouncer-ini', 1, text);
  const result = lintDocument(document, { settings, fileSystem: nodeFileSystem });
  const texts = new Map(result.model.files.map((file) => [file.path, file.parsed.text]));
  const problems = [...spanProblems(result, texts), ...budgetProblems(result)];
  for (const file of result.model.files.slice(1)) {
    if (!file.path.startsWith(folder)) problems.push(`read a file outside the folder: ${file.path}`);
    if (/\/(fifo|socket|zero|urandom|huge\.inc)$/.test(file.path) && file.parsed.text !== '') {
      problems.push(`read ${file.path}, which is not a regular file of a readable size`);
    }
  }
  if (problems.length > 0) throw new Error(problems.slice(0, 10).join('\n'));
  const ms = performance.now() - started;
  if (ms > boundMs)
    throw new Error(`took ${ms.toFixed(0)} ms, more than the ${boundMs} ms this input may take`);
  return { ms, findings: result.findings.length };
}

// ---------------------------------------------------------------------------------------------
// Generators

const SETTING_NAMES = [...new Set(allSettings().map((s) => s.name))];
const SECTION_NAMES = allSections().map((s) => s.name);
const ENUM_VALUES = [
  ...new Set(
    allSettings()
      .flatMap((s) => s.values ?? [])
      .map((v) => v.name),
  ),
];
const TARGETS = [...new Set(RELEASES.map((r) => r.split('.').slice(0, 2).join('.'))), 'unreleased', '', 'x'];

const LINE_BREAKS = ['\n', '\r\n', '\r'];

/** Pieces of configuration text, valid and broken, from which token soups are made. */
const TOKEN: Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LINE_BREAKS, '\n\n', ' ', '\t', ' = ', '=', '==') },
  { weight: 4, arbitrary: fc.constantFrom(...SETTING_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...SECTION_NAMES).map((s) => `[${s}]`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '[',
      ']',
      '[]',
      '[ pgbouncer ]',
      '[pgbouncer',
      '[PGBOUNCER]',
      '[foo]',
      '[databases] db = host=x',
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom(...ENUM_VALUES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0',
      '1',
      '-1',
      '10',
      '0x10',
      '010',
      '1.5',
      '.5',
      '1e3',
      'inf',
      'nan',
      '10s',
      '2147483648',
      '99999999999999999999',
      '-',
      '+',
      'yes',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'host=127.0.0.1',
      'port=5432',
      "dbname='a b'",
      "password='it''s'",
      "application_name='x",
      "'",
      "''",
      'user=app',
      'pool_size=5',
      'pool_mode=transaction',
      'max_db_connections=0',
      'auth_user=x',
      'host=/tmp,10.0.0.1',
      'foo=bar',
      '=x',
      'x=',
      'host',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(';', '#', '; pgbouncer-lint: disable', '# pgbouncer-lint: enable x'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%include ',
      '%include a.ini',
      '%include /fuzz/b.ini',
      '%include missing.ini',
      '%include /fuzz/dir',
      '%include pgbouncer.ini',
      '%INCLUDE a.ini',
      '%include',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\0', '\uFEFF', '\f', '\v', '\u00e4', '\u{1F600}', '\uD800', '\uDC00'),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

const tokenSoup = (maxLength: number): Arbitrary<string> =>
  fc.array(TOKEN, { maxLength }).map((tokens) => tokens.join(''));

/** Editor settings, sometimes odd (unknown versions, rules, wrong types): normalizeSettings copes. */
const SETTINGS: Arbitrary<Record<string, unknown>> = fc.record(
  {
    targetVersion: fc.constantFrom(...TARGETS),
    runDirectory: fc.constantFrom('', DIR, '/', 'relative/dir', '/nonexistent'),
    profile: fc.constantFrom('production', 'development', 'other'),
    rules: fc.oneof(
      fc.constant({}),
      fc.constant({ '*': 'off' }),
      fc.constant({ '*': 'error', 'syntax-error': 'hint' }),
      fc.dictionary(
        fc.constantFrom('*', 'unknown-setting', 'client-idle-timeout-disabled', 'x'),
        fc.string(),
      ),
    ),
    postgresMaxConnections: fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.constant('x')),
    fileDescriptorLimit: fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.constant(null)),
    inlayHints: fc.record({ enabled: fc.boolean() }),
    format: fc.record({ alignValues: fc.boolean(), alignParameters: fc.boolean() }),
  },
  { requiredKeys: [] },
);

const POSITIONS: Arbitrary<[number, number][]> = fc.array(
  fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.nat(40) }, { weight: 1, arbitrary: fc.nat(100000) }),
    fc.oneof({ weight: 5, arbitrary: fc.nat(80) }, { weight: 1, arbitrary: fc.nat(1 << 30) }),
  ),
  { minLength: 1, maxLength: 3 },
);

const NEW_NAME: Arbitrary<string> = fc.constantFrom(
  'renamed',
  'db2',
  '',
  'a b',
  'pgbouncer',
  '*',
  "x'y",
  '=',
);

/** Files next to the configuration: includes that include each other, directories, a project file. */
const FILES: Arbitrary<Record<string, string>> = fc
  .record(
    {
      a: tokenSoup(30),
      b: tokenSoup(30),
      rc: fc.oneof(
        fc.constant(undefined),
        fc.constant('{"targetVersion": "1.18", "rules": {"*": "hint"}}'),
        fc.constant('{"runDirectory": "..", "profile": "development", "postgresMaxConnections": 5}'),
        fc.constant('{not json'),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
    },
    { requiredKeys: ['a', 'b'] },
  )
  .map(({ a, b, rc }) => {
    const files: Record<string, string> = {
      [`${DIR}/a.ini`]: a,
      [`${DIR}/b.ini`]: b,
      [`${DIR}/dir/`]: '',
      [`${DIR}/userlist.txt`]: '"app" "secret"\n',
    };
    if (rc !== undefined) files[`${DIR}/.pgbouncerlintrc.json`] = rc;
    return files;
  });

function input(
  text: Arbitrary<string>,
  files: Arbitrary<Record<string, string>> = FILES,
): Arbitrary<FuzzInput> {
  return fc.record({ text, files, settings: SETTINGS, positions: POSITIONS, newName: NEW_NAME });
}

// Mutations of real configurations: the examples and every test fixture.

function seedConfigs(): string[] {
  const root = path.resolve(__dirname, '..', '..');
  const dirs = ['examples', 'test/fixtures', 'test/fixtures/rules', 'test/fixtures/cli'];
  const texts: string[] = [];
  for (const dir of dirs) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const name of fs.readdirSync(full).sort()) {
      if (name.endsWith('.ini')) texts.push(fs.readFileSync(path.join(full, name), 'utf8'));
    }
  }
  return texts.length > 0 ? texts : ['[pgbouncer]\nlisten_port = 6432\n[databases]\ndb = host=x\n'];
}

const SEEDS = seedConfigs();

type Mutation = (text: string) => string;

const at = (text: string, fraction: number): number => Math.floor(fraction * (text.length + 1));

const MUTATION: Arbitrary<Mutation> = fc.oneof(
  fc.tuple(ANYWHERE, TOKEN).map(
    ([where, token]): Mutation =>
      (text) =>
        text.slice(0, at(text, where)) + token + text.slice(at(text, where)),
  ),
  fc.tuple(ANYWHERE, fc.nat(40)).map(
    ([where, length]): Mutation =>
      (text) =>
        text.slice(0, at(text, where)) + text.slice(at(text, where) + length),
  ),
  fc.tuple(ANYWHERE, fc.nat(200)).map(([where, length]): Mutation => (text) => {
    const start = at(text, where);
    return text.slice(0, start) + text.slice(start, start + length).repeat(2) + text.slice(start);
  }),
  fc.constantFrom<Mutation>(
    (text) => text.replace(/\r?\n/g, '\r\n'),
    (text) => text.replace(/\r?\n/g, '\r'),
    (text) => `\uFEFF${text}`,
    (text) => `${text}\0${text}`,
    (text) => text.slice(0, Math.floor(text.length / 2)),
    (text) => text.split('\n').reverse().join('\n'),
    (text) => text.replace(/ = /g, '='),
    (text) => text.replace(/=/g, " = '"),
    (text) => text.replace(/\[pgbouncer\]/g, '[databases]'),
    (text) => text.toUpperCase(),
    (text) => text.replace(/\n/g, '\n%include a.ini\n'),
  ),
);

const MUTATED: Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(MUTATION, { minLength: 1, maxLength: 6 }))
  .map(([seed, mutations]) => mutations.reduce((text, mutate) => mutate(text), seed));

// %include graphs: chains deeper than PgBouncer's 10 levels, cycles, files included many times.
const INCLUDE_GRAPH: Arbitrary<{ text: string; files: Record<string, string> }> = fc
  .tuple(
    fc.integer({ min: 1, max: 14 }),
    fc.array(fc.tuple(fc.nat(13), fc.nat(13), fc.integer({ min: 1, max: 6 })), { maxLength: 20 }),
    tokenSoup(10),
    fc.boolean(),
  )
  .map(([count, edges, filler, relative]) => {
    const name = (i: number): string => (relative ? `f${i % count}.ini` : `${DIR}/f${i % count}.ini`);
    const bodies: string[][] = Array.from({ length: count }, (_, i) => [
      `[pgbouncer]`,
      `max_client_conn = ${i}`,
      ...(i + 1 < count ? [`%include ${name(i + 1)}`] : []),
    ]);
    for (const [from, to, times] of edges) {
      for (let k = 0; k < times; k++) bodies[from % count].push(`%include ${name(to)}`);
    }
    const files: Record<string, string> = {};
    bodies.forEach((lines, i) => (files[`${DIR}/f${i}.ini`] = `${lines.join('\n')}\n${filler}`));
    return { text: `[pgbouncer]\n%include ${name(0)}\n${filler}\n[databases]\ndb = host=x\n`, files };
  });

const MEGABYTE = 1024 * 1024;
/** Lines repeated in the large inputs. */
const REPEAT = 5000;

/** Inputs far larger than usual: long lines, thousands of sections, repeated broken lines. */
const LARGE_MAKERS: (() => string)[] = [
  () => `[pgbouncer]\nserver_reset_query = ${'x'.repeat(MEGABYTE)}\n`,
  () => `[pgbouncer]\n${'k'.repeat(MEGABYTE)} = 1\n`,
  () => `[databases]\ndb = host=x dbname='${'y'.repeat(MEGABYTE)}\n[pgbouncer]\n`,
  () => `; ${'c'.repeat(MEGABYTE)}`,
  () => `[${'s'.repeat(MEGABYTE)}]\n`,
  () => `[pgbouncer]\nlisten_addr = ${'1.2.3.4,'.repeat(MEGABYTE / 8)}\n`,
  () => '[pgbouncer]\nmax_client_conn = 1\n'.repeat(REPEAT),
  () => '[databases]\n[users]\n[peers]\n[foo]\n'.repeat(REPEAT),
  () => `[pgbouncer]\n${"'abc = 1\n".repeat(REPEAT)}`,
  () => `[databases]\n${"db = host='x\n".repeat(REPEAT)}[pgbouncer]\n`,
  () => `[pgbouncer]\n${'max_client_conn = 10\n'.repeat(REPEAT)}`,
  () => `[databases]\n${'db = host=x\n'.repeat(REPEAT)}[pgbouncer]\n`,
  () => `[pgbouncer]\r${'max_client_conn = 10\r'.repeat(REPEAT * 4)}`,
  () => `[pgbouncer]\n${'\0'.repeat(MEGABYTE)}`,
  () => `\uFEFF${'[pgbouncer]\r\n'.repeat(REPEAT)}`,
  () => `[pgbouncer]\n${'%include a.ini\n'.repeat(1000)}`,
  () =>
    `[databases]\n${Array.from({ length: 5000 }, (_, i) => `db${i} = host=h${i % 7} pool_size=${i % 50} user=u${i % 3} pool_mode=transaction`).join('\n')}\n[users]\n${Array.from({ length: 500 }, (_, i) => `u${i} = pool_size=${i} max_user_connections=${i % 9}`).join('\n')}\n[pgbouncer]\nmax_db_connections = 3\nreserve_pool_timeout = 0\n`,
];

/** Lines that name the special files, in every place a configuration names a file. */
const SPECIAL_REFERENCE: Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      '%include ',
      '%include @DIR@/',
      'auth_file = ',
      'auth_hba_file = @DIR@/',
      'client_tls_key_file = ',
      'client_tls_ca_file = @DIR@/',
      'server_tls_cert_file = ',
      'logfile = @DIR@/',
      'pidfile = ',
      'unix_socket_dir = @DIR@/',
    ),
    fc.constantFrom(...SPECIAL_FILES),
  )
  .map(([lead, name]) => `${lead}${name}`);

const SPECIAL_TEXT: Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: SPECIAL_REFERENCE }, { weight: 1, arbitrary: tokenSoup(6) }), {
    minLength: 1,
    maxLength: 12,
  })
  .chain((lines) =>
    fc
      .constantFrom('[pgbouncer]', '[databases]', '')
      .map((section) => `[pgbouncer]\nlisten_port = 6432\n${section}\n${lines.join('\n')}\n`),
  );

/** A file included again and again, directly and through files that include it several times. */
const AMPLIFICATION: Arbitrary<{ text: string; files: Record<string, string> }> = fc
  .tuple(
    fc.integer({ min: 50_000, max: 2_000_000 }),
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 8 }),
    fc.constantFrom('entries', 'comments', 'settings'),
  )
  .map(([size, times, levels, fanOut, kind]) => {
    const line =
      kind === 'entries'
        ? (i: number) => `db${i} = host=h${i % 7} dbname=x`
        : kind === 'comments'
          ? (i: number) => `; ${'c'.repeat(60)} ${i}`
          : (i: number) => `max_client_conn = ${i}`;
    const lines: string[] = [kind === 'entries' ? '[databases]' : '[pgbouncer]'];
    for (let i = 0, length = 0; length < size; i++) {
      lines.push(line(i));
      length += lines[lines.length - 1].length + 1;
    }
    const files: Record<string, string> = { [`${DIR}/big.inc`]: `${lines.join('\n')}\n` };
    // level k includes level k+1 fanOut times; the last level includes big.inc
    for (let level = 0; level < levels; level++) {
      const next = level + 1 < levels ? `level${level + 1}.inc` : 'big.inc';
      files[`${DIR}/level${level}.inc`] = `%include ${next}\n`.repeat(fanOut);
    }
    return { text: `[pgbouncer]\nlisten_port = 6432\n${'%include level0.inc\n'.repeat(times)}`, files };
  });

export interface PropertyDefinition {
  name: string;
  arbitrary: Arbitrary<FuzzInput>;
  numRuns: number;
  boundMs: number;
  /** Inputs run first, every time (each made when its turn comes: some are megabytes). */
  examples?: (() => FuzzInput)[];
}

const PLAIN: Omit<FuzzInput, 'text'> = {
  files: { [`${DIR}/a.ini`]: '[pgbouncer]\n%include a.ini\n' },
  settings: {},
  positions: [
    [1, 3],
    [0, 1 << 20],
  ],
  newName: 'renamed',
};

export const PROPERTIES: PropertyDefinition[] = [
  {
    name: 'random bytes, read as UTF-8 and as Latin-1',
    arbitrary: input(
      fc
        .tuple(fc.uint8Array({ maxLength: 3000 }), fc.boolean())
        .map(([bytes, utf8]) => Buffer.from(bytes).toString(utf8 ? 'utf8' : 'latin1')),
    ),
    numRuns: 150,
    boundMs: NORMAL_BOUND_MS,
  },
  {
    name: 'token soup: settings, sections, values, connection strings, quotes, line breaks, NUL, BOM',
    arbitrary: input(tokenSoup(300)),
    numRuns: 400,
    boundMs: NORMAL_BOUND_MS,
  },
  {
    name: 'mutated examples and fixtures (CRLF, CR-only, BOM, NUL, cut, duplicated, reordered)',
    arbitrary: input(MUTATED),
    numRuns: 250,
    boundMs: NORMAL_BOUND_MS,
  },
  {
    name: '%include chains deeper than 10 levels, cycles, files included many times',
    arbitrary: INCLUDE_GRAPH.chain(({ text, files }) =>
      input(
        fc.constant(text),
        FILES.map((extra) => ({ ...extra, ...files })),
      ),
    ),
    numRuns: 120,
    boundMs: NORMAL_BOUND_MS,
  },
  {
    name: 'real special files named everywhere: FIFOs, sockets, devices, links, a 200 MB file, project files',
    arbitrary: fc.record({
      text: SPECIAL_TEXT,
      files: fc.constant({}),
      settings: SETTINGS,
      positions: POSITIONS,
      newName: NEW_NAME,
      onDisk: fc
        .constantFrom<string | null>(
          null,
          'json',
          'fifo',
          'zero',
          'urandom',
          'socket',
          'dir',
          'huge.inc',
          'loop',
        )
        .map((projectFile) => ({ projectFile })),
    }),
    numRuns: 60,
    boundMs: LARGE_BOUND_MS,
  },
  {
    name: 'amplification: one file included hundreds of times, directly and through fan-out levels',
    arbitrary: AMPLIFICATION.chain(({ text, files }) => input(fc.constant(text), fc.constant(files))),
    numRuns: 8,
    boundMs: LARGE_BOUND_MS,
  },
  {
    name: 'large inputs: 1 MB lines, thousands of sections, repeated broken lines',
    arbitrary: input(fc.constantFrom(...LARGE_MAKERS).map((make) => make())),
    numRuns: 1,
    boundMs: LARGE_BOUND_MS,
    examples: [
      ...LARGE_MAKERS.map((make) => () => ({ ...PLAIN, text: make() })),
      // Thousands of pool sizing findings whose fixes are each tried on a whole pool model: this
      // took minutes before fix searches got a budget (found with FUZZ_SEED=4242 FUZZ_RUNS=3).
      () => ({
        ...PLAIN,
        text: LARGE_MAKERS[LARGE_MAKERS.length - 1](),
        settings: { targetVersion: '1.19', rules: { '*': 'error' } },
      }),
    ],
  },
];
