// Differential testing against the real PgBouncer binary (Debian's 1.18 by default; PGBOUNCER_BIN
// and PGBOUNCER_TARGET for another release, as `npm run test:releases` sets them): configurations
// generated from the settings schema (schemas/pgbouncer-settings.json, through the catalog) with a
// seeded generator: every section, every setting of every release (those newer than the target must
// be refused), valid and invalid values of every type, connection strings with good and bad
// parameters, TLS on and off, comments, quotes and duplicates. PgBouncer starts or refuses each one;
// our engine, at the target version, must report an Error finding (other than file-not-found)
// exactly when it refuses. Each configuration is also linted at other target versions, which must
// not throw.
//
// A disagreement fails with the configuration, PgBouncer's log and our findings. Every disagreement
// found is kept as a case in ./cases.ts ("differential: ..."), which oracle.test.ts runs.
//
//   DIFF_SEED=n      another seed (default fixed)
//   DIFF_CONFIGS=n   number of configurations (default 1500, about 25 s with 3 PgBouncers at a time)

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { lintText } from '../../server/src/analysis/engine';
import { availableIn, removedBy, resolveTargetVersion, settingsOf } from '../../server/src/catalog/catalog';
import type { SectionName, Setting, Version } from '../../server/src/catalog/catalog';
import type { Finding } from '../../server/src/findings/finding';
import {
  CONFIG_NAME,
  ORACLE_TARGET,
  askPgBouncer,
  environmentProblems,
  findPgBouncer,
  sandboxedText,
} from '../support/pgbouncer-oracle';
import { recordSummary } from '../support/release-summary';
import { DIFFERENTIAL_CASES, TLS_PAIR, appliesTo, expectedVerdict } from './cases';

const SEED = Number(process.env.DIFF_SEED) || 1_18_0;
const COUNT = Number(process.env.DIFF_CONFIGS) || 1500;
/** Requests in flight; askPgBouncer itself runs at most ORACLE_CONCURRENCY (3) binaries at a time. */
const IN_FLIGHT = 6;
const IGNORED_CODES = new Set(['file-not-found']);
const OTHER_TARGETS = ['1.0', '1.12', '1.17', '1.18', '1.19', '1.21', '1.25', 'unreleased'].filter(
  (t) => t !== ORACLE_TARGET,
);
const PGB = `PgBouncer ${ORACLE_TARGET}`;

// ---------------------------------------------------------------------------------------------
// Files every configuration may refer to (relative paths: PgBouncer runs in the directory).

const USERLIST = '"postgres" "secret"\n"app" "md5d4c9d0e7c2d0e8f0a4b3c2d1e0f9a8b7"\n';
const FILES: Record<string, string> = {
  'userlist.txt': USERLIST,
  'hba.conf': 'local all all trust\nhost all all 127.0.0.1/32 md5\n',
  'ident.conf': 'map postgres postgres\n',
  'resolv.conf': 'nameserver 127.0.0.1\n',
  ...(TLS_PAIR ? { 'server.key': TLS_PAIR.key, 'server.crt': TLS_PAIR.cert, 'ca.crt': TLS_PAIR.cert } : {}),
};

// ---------------------------------------------------------------------------------------------
// Values, by type: valid ones and invalid ones, as PgBouncer's parsers see them.

const INT_VALUES = [
  '0',
  '1',
  '5',
  '64',
  '100',
  '512',
  '-1',
  '0x1f',
  '0X10',
  '010',
  '+3',
  '-0',
  '2147483647',
  '2147483648',
  '-2147483648',
  '4294967296',
  '99999999999',
  '\t7\t',
];
const BAD_INTS = [
  'abc',
  '08',
  '10s',
  '1.5',
  '',
  '0x',
  '5 ; comment',
  "'5'",
  '1e3',
  '5 6',
  '0x1g',
  '--1',
  '+',
];
const BOOL_VALUES = ['0', '1', '2', '-1', '0x1', '01', '00', '+1', '0x0'];
const BAD_BOOLS = ['yes', 'no', 'true', 'on', 'off', '', '1 # comment', '1e1', '0.5', 'TRUE'];
const TIME_VALUES = [
  '0',
  '1',
  '30',
  '1.5',
  '.5',
  '-.0',
  '1e3',
  '1e-7',
  'inf',
  'INF',
  'Infinity',
  'nan',
  'nan(1)',
  '0x10',
  '0x1p3',
  '-0',
  '+1',
  '1e400',
  '1.',
];
const BAD_TIMES = [
  '10s',
  '-1',
  '-.5',
  '1,5',
  'abc',
  '',
  '5min',
  '10 ; comment',
  '1e',
  '.',
  '0x',
  '- 1',
  '-inf',
];
const STRINGS = [
  'x',
  'pgbouncer',
  'DISCARD ALL',
  'select 1',
  'a ; b',
  "'quoted'",
  '',
  'caf\u00e9',
  'x'.repeat(300),
];
const LISTS = ['postgres', 'postgres, app', ' a , b ', '', ',', 'extra_float_digits'];

/**
 * Values for the settings whose strings mean something: [good, questionable]. Relative paths
 * name FILES or nothing; questionable values are bad in some way or in some context (TLS on).
 */
const SPECIAL: Record<string, [string[], string[]]> = {
  auth_file: [['userlist.txt'], ['missing.txt', '']],
  auth_hba_file: [['hba.conf'], ['missing.conf', '']],
  auth_ident_file: [['ident.conf'], ['missing.conf']],
  resolv_conf: [['resolv.conf', ''], ['missing.conf']],
  conffile: [['pgbouncer.ini'], ['elsewhere.ini']],
  client_tls_key_file: [['server.key'], ['missing.key', '']],
  client_tls_cert_file: [['server.crt'], ['missing.crt', '']],
  client_tls_ca_file: [['ca.crt'], ['missing.crt', '']],
  server_tls_key_file: [['server.key'], ['missing.key', '']],
  server_tls_cert_file: [['server.crt'], ['missing.crt', '']],
  server_tls_ca_file: [['ca.crt'], ['missing.crt', '']],
  client_tls_protocols: [
    ['secure', 'all', 'legacy', 'tlsv1.2,tlsv1.3', 'tlsv1.2:tlsv1.3', 'TLSV1.2'],
    ['tlsv9', '', 'tlsv1.2 tlsv1.3'],
  ],
  server_tls_protocols: [
    ['secure', 'default', 'all,!tlsv1', 'tlsv1.3'],
    ['tlsv1.2 tlsv1.3', 'bogus'],
  ],
  client_tls_ciphers: [
    ['default', 'secure', 'fast', 'normal', 'HIGH:!aNULL', 'ALL'],
    ['bogus', 'TLS_AES_256_GCM_SHA384', '', '!bogus'],
  ],
  server_tls_ciphers: [
    ['default', 'HIGH:!aNULL', 'ALL'],
    ['nonsense', '!bogus', ''],
  ],
  client_tls_dheparams: [
    ['auto', 'none', 'legacy'],
    ['bogus', ''],
  ],
  client_tls_ecdhcurve: [
    ['auto', 'none', 'prime256v1', 'secp384r1'],
    ['prime256v1:secp384r1', 'bogus', ''],
  ],
  client_tls13_ciphers: [['TLS_AES_256_GCM_SHA384'], ['bogus']],
  server_tls13_ciphers: [['TLS_AES_256_GCM_SHA384'], ['bogus']],
  admin_users: [LISTS, []],
  stats_users: [LISTS, []],
  ignore_startup_parameters: [['extra_float_digits', 'extra_float_digits, search_path', ''], ['options']],
  track_extra_parameters: [['IntervalStyle', ''], ['bogus']],
  syslog_facility: [['daemon', 'local0'], ['bogus']],
  auth_query: [['SELECT usename, passwd FROM pg_shadow WHERE usename=$1'], ['']],
};

/**
 * Left out: settings that point PgBouncer at this machine (sockets, pidfile, log file, the user to
 * run as). The oracle's sandbox overrides the first ones, so the same text would not be compared.
 */
const ENVIRONMENT = new Set([
  'listen_addr',
  'listen_port',
  'unix_socket_dir',
  'unix_socket_group',
  'unix_socket_mode',
  'pidfile',
  'logfile',
  'user',
]);

const TARGET = resolveTargetVersion(ORACLE_TARGET) as Version;
const inTarget = (s: Setting): boolean => availableIn(s.addedIn, TARGET) && !s.platform;
const MAIN_SETTINGS = settingsOf('pgbouncer').filter((s) => !ENVIRONMENT.has(s.name));

/** Good values, or any values (good, bad, questionable) when `faults`. */
function valueArbitrary(s: Setting, inConnString: boolean, faults: boolean): Arbitrary<string> {
  const special = inConnString ? undefined : SPECIAL[s.name];
  const pick = (good: string[], bad: string[]): Arbitrary<string> =>
    faults && bad.length > 0
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...good) },
          { weight: 2, arbitrary: fc.constantFrom(...bad) },
        )
      : fc.constantFrom(...good);
  if (special) return pick(special[0], special[1]);
  switch (s.type) {
    case 'int':
    case 'uint':
      return pick(INT_VALUES, BAD_INTS);
    case 'bool':
      return pick(BOOL_VALUES, BAD_BOOLS);
    case 'time':
      return pick(TIME_VALUES, BAD_TIMES);
    case 'enum': {
      const values = s.values ?? [];
      const good = values
        .filter((v) => availableIn(v.addedIn, TARGET) && !removedBy(v.removedIn, TARGET))
        .map((v) => v.name);
      const names = values.map((v) => v.name);
      return pick(good.length > 0 ? [...good, ...good.map((v) => v.toUpperCase())] : names, [
        ...names,
        'nonsense',
        '',
        `"${names[0]}"`,
        `${names[0]} ; comment`,
      ]);
    }
    case 'list':
      return fc.constantFrom(...LISTS);
    default:
      return fc.constantFrom(...STRINGS);
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and sections

/** TLS on with its files (or without them), so that the TLS settings around it matter. */
const TLS_ON = [
  'client_tls_sslmode = require\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt',
  'client_tls_sslmode = verify-full\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt\nclient_tls_ca_file = ca.crt',
  'server_tls_sslmode = require',
  'server_tls_sslmode = verify-ca\nserver_tls_ca_file = ca.crt',
  'auth_type = cert\nclient_tls_sslmode = verify-full\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt\nclient_tls_ca_file = ca.crt',
];

const BROKEN_MAIN_LINES = [
  'foo_bar = 1',
  'Max_Client_Conn = 10',
  'max_client_conn',
  'max_client_conn: 10',
  'db1 = host=127.0.0.1',
  'max_client_conn == 10',
  'max client conn = 10',
  'client_tls_sslmode = prefer',
  '[pgbouncer',
  "'max_client_conn' = 10",
  '%include missing.ini',
  '%include userlist.txt',
  '%include hba.conf',
  '[pgbouncer] max_client_conn = 5',
  '[databases] db2 = host=127.0.0.1',
  '[pgbouncer] garbage',
  'max_client_conn = 10\0',
  '\uFEFFmax_client_conn = 10',
  '\fmax_client_conn\v=\t10',
];

function mainLine(faults: boolean): Arbitrary<string> {
  const settings = faults ? MAIN_SETTINGS : MAIN_SETTINGS.filter(inTarget);
  const setting = fc
    .constantFrom(...settings)
    .chain((s) => valueArbitrary(s, false, faults).map((value) => `${s.name} = ${value}`));
  return fc.oneof(
    { weight: 12, arbitrary: setting },
    { weight: 1, arbitrary: fc.constantFrom('; a comment', '# another', '') },
    { weight: 2, arbitrary: fc.constantFrom(...TLS_ON) },
    ...(faults ? [{ weight: 1, arbitrary: fc.constantFrom(...BROKEN_MAIN_LINES) }] : []),
  );
}

const DB_NAMES = ['db1', 'app', 'my.db', 'my-db', '*', '_9', 'x'.repeat(63)];
const BAD_DB_NAMES = ['pgbouncer', 'y'.repeat(64), 'my db', "'quoted'", 'd\u00e9'];
const USER_NAMES = ['postgres', 'app', 'etl', 'u1', 'u'.repeat(63), 'v'.repeat(64), 'w'.repeat(200)];
/** Long values: PgBouncer copies some parameters into fixed-size buffers. */
const LONG = [63, 64, 127, 128, 255, 256, 1000].map((n) => 'z'.repeat(n));

function paramArbitrary(section: SectionName, faults: boolean): Arbitrary<string> {
  const params = settingsOf(section).filter((s) => faults || inTarget(s));
  const param = fc.constantFrom(...params).chain((s) => {
    const values: Arbitrary<string> =
      s.name === 'host'
        ? fc.constantFrom(
            '127.0.0.1',
            'localhost',
            '/tmp',
            'db.invalid',
            '127.0.0.1,127.0.0.2',
            `${'h'.repeat(250)}.invalid`,
          )
        : s.name === 'port'
          ? faults
            ? fc.constantFrom('5432', '0', 'abc', '65536', '-1', '6432x')
            : fc.constantFrom('5432', '6432')
          : s.type === 'string'
            ? faults
              ? fc.constantFrom('app', "'a b'", "'it''s'", 'x;y', "'unterminated", "''", ...LONG)
              : fc.constantFrom('app', "'a b'", "'it''s'", 'x;y', ...LONG)
            : valueArbitrary(s, true, faults);
    return values.map((value) => `${s.name}=${value}`);
  });
  if (!faults) return param;
  return fc.oneof(
    { weight: 10, arbitrary: param },
    { weight: 1, arbitrary: fc.constantFrom('foo=bar', 'host', '=x', 'dbname=', 'host = 127.0.0.1', ';') },
  );
}

const connString = (section: SectionName, faults: boolean): Arbitrary<string> =>
  fc.array(paramArbitrary(section, faults), { minLength: 0, maxLength: 4 }).map((params) => params.join(' '));

function entryLine(section: SectionName, faults: boolean): Arbitrary<string> {
  const names =
    section === 'databases'
      ? fc.constantFrom(...DB_NAMES, ...(faults ? BAD_DB_NAMES : []))
      : section === 'users'
        ? fc.constantFrom(...USER_NAMES)
        : fc.constantFrom('1', '2', ...(faults ? ['0', 'x'] : []));
  return fc.tuple(names, connString(section, faults)).map(([name, value]) => `${name} = ${value}`);
}

function section(faults: boolean): Arbitrary<string> {
  const lines = (header: string, line: Arbitrary<string>, max: number): Arbitrary<string> =>
    fc.array(line, { maxLength: max }).map((items) => [header, ...items].join('\n'));
  return fc.oneof(
    { weight: 4, arbitrary: lines('[databases]', entryLine('databases', faults), 4) },
    { weight: 2, arbitrary: lines('[users]', entryLine('users', faults), 3) },
    { weight: 1, arbitrary: lines('[pgbouncer]', mainLine(faults), 3) },
    ...(faults
      ? [
          { weight: 1, arbitrary: lines('[peers]', entryLine('peers', faults), 2) },
          { weight: 1, arbitrary: fc.constantFrom('[foo]', '[PGBOUNCER]', '[ databases ]', '[]') },
        ]
      : []),
  );
}

function config(faults: boolean): Arbitrary<string> {
  return fc
    .tuple(
      fc.array(mainLine(faults), { maxLength: faults ? 6 : 8 }),
      fc.array(section(faults), { maxLength: 3 }),
      fc.constantFrom('\n', '\n', '\n', '\r\n'),
      fc.integer({ min: 0, max: 19 }),
    )
    .map(([main, sections, eol, shape]) => {
      // Now and then no [pgbouncer] header at the top (refused: settings outside a section, or no main section).
      const head = faults && shape === 0 ? main : ['[pgbouncer]', ...main];
      return [head.join('\n'), ...sections].join('\n').replace(/\n/g, eol) + eol;
    });
}

/** Good configurations with one fault or none, and configurations where anything goes. */
const CONFIG: Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: config(false) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(config(false), fc.oneof(mainLine(true), entryLine('databases', true)), fc.nat())
      .map(([text, fault, where]) => {
        // One line of anything, anywhere after the first header.
        const lines = text.split('\n');
        const at = 1 + (where % Math.max(1, lines.length - 1));
        lines.splice(at, 0, fault.replace(/\n/g, '\n'));
        return lines.join('\n');
      }),
  },
  { weight: 2, arbitrary: config(true) },
);

// ---------------------------------------------------------------------------------------------

interface Outcome {
  config: string;
  pgbouncer: 'accept' | 'reject';
  log: string[];
  ours: 'accept' | 'reject';
  findings: Finding[];
}

let dir: string;
let binaryError: Error | null = null;

before(() => {
  try {
    findPgBouncer();
  } catch (error) {
    binaryError = error as Error;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-differential-'));
  for (const [name, content] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), content);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function lint(written: string): { verdict: 'accept' | 'reject'; findings: Finding[] } {
  const filePath = path.join(dir, CONFIG_NAME);
  // What PgBouncer was given: the sandbox's listener and socket directory decide some verdicts.
  const config = sandboxedText(written, dir, 6432);
  const result = lintText(config, {
    filePath,
    targetVersion: ORACLE_TARGET,
    runDirectory: dir,
    useProjectFile: false,
  });
  const decisive = result.findings.filter((f) => f.severity === 'error' && !IGNORED_CODES.has(f.code));
  for (const target of OTHER_TARGETS) {
    lintText(config, { filePath, targetVersion: target, runDirectory: dir, useProjectFile: false });
  }
  return { verdict: decisive.length > 0 ? 'reject' : 'accept', findings: result.findings };
}

/**
 * PgBouncer refused because a file the configuration names is missing (e.g. the client TLS CA),
 * and we said so with file-not-found. Missing files are judged separately (as in oracle.test.ts):
 * the engine cannot know whether the file will be there on the machine PgBouncer runs on.
 */
function missingFile(findings: Finding[], log: string[]): boolean {
  return (
    findings.some((f) => f.code === 'file-not-found') &&
    log.some((line) => /failed to load|No such file|could not open|cannot open/.test(line))
  );
}

function show(outcome: Outcome): string {
  const at = (finding: Finding): string => {
    const line = outcome.config.slice(0, finding.span.start).split('\n').length;
    return `  line ${line}: ${finding.severity} [${finding.code}] ${finding.message}`.split(dir).join('$DIR');
  };
  return [
    `--- ${CONFIG_NAME}`,
    ...outcome.config
      .split('\n')
      .map((line, i) => `${String(i + 1).padStart(4)} | ${JSON.stringify(line).slice(1, -1)}`),
    `--- ${PGB}: ${outcome.pgbouncer.toUpperCase()}`,
    ...outcome.log.map((line) => `  ${line}`),
    `--- our engine (target ${ORACLE_TARGET}): ${outcome.ours.toUpperCase()}`,
    ...(outcome.findings.length > 0 ? outcome.findings.map(at) : ['  (no findings)']),
  ].join('\n');
}

/**
 * Disagreements grouped by what decided them: PgBouncer's complaint (its FATAL line, values and
 * line numbers blurred) when it refused, our error codes when we did; "N x reason" each.
 */
function groupDisagreements(outcomes: Outcome[]): string[] {
  const groups = new Map<string, number>();
  for (const o of outcomes) {
    const key =
      o.pgbouncer === 'reject'
        ? `${PGB} refuses, we accept: ${complaint(o.log)}`
        : `we refuse, ${PGB} starts: ${[...new Set(o.findings.filter((f) => f.severity === 'error' && !IGNORED_CODES.has(f.code)).map((f) => f.code))].join(', ')}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${n} x ${key}`);
}

function complaint(log: string[]): string {
  const line = [...log].reverse().find((l) => /^(FATAL|ERROR) /.test(l)) ?? '(no FATAL line)';
  return line
    .replace(/\(pgbouncer\.ini:\d+\)/g, '(line N)')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"');
}

test(
  'the disagreements found so far (cases.ts, DIFFERENTIAL_CASES) stay fixed',
  { timeout: 120_000 },
  async () => {
    if (binaryError) throw binaryError;
    const failures: string[] = [];
    const disagreed: string[] = [];
    const changed: string[] = [];
    const kept = DIFFERENTIAL_CASES.filter((c) => appliesTo(c, ORACLE_TARGET));
    let accepted = 0;
    await Promise.all(
      kept.map(async (c) => {
        const answer = await askPgBouncer(c.config, {
          asIs: c.asIs,
          extraFiles: { ...FILES, ...c.extraFiles },
        });
        const ours = lint(c.config);
        const outcome = {
          config: c.config,
          pgbouncer: answer.verdict,
          log: answer.log,
          ...ours,
          ours: ours.verdict,
        };
        // The measured verdict where the case has one for this release; elsewhere only agreement.
        const expected = expectedVerdict(c, ORACLE_TARGET);
        if (answer.verdict === 'accept') accepted++;
        if (expected && answer.verdict !== expected) {
          changed.push(c.name);
          failures.push(`${c.name}: ${PGB} no longer ${expected}s it\n${show(outcome)}`);
        } else if (ours.verdict !== answer.verdict) {
          disagreed.push(`${c.name} (${PGB} ${answer.verdict}s, we ${ours.verdict})`);
          failures.push(`${c.name}: our engine disagrees${expected ? ' again' : ''}\n${show(outcome)}`);
        }
      }),
    );
    recordSummary({
      suite: 'differential cases',
      cases: kept.length,
      accepted,
      rejected: kept.length - accepted,
      skipped: DIFFERENTIAL_CASES.length - kept.length,
      disagreements: disagreed,
      other: changed.map((name) => `measured verdict changed: ${name}`),
    });
    assert.deepEqual(failures, [], failures.join('\n\n'));
  },
);

test(
  `${PGB} and our engine agree on ${COUNT} generated configurations (seed ${SEED})`,
  { timeout: 900_000 },
  async () => {
    if (binaryError) throw binaryError;
    const configs = fc.sample(CONFIG, { seed: SEED, numRuns: COUNT });
    const disagreements: Outcome[] = [];
    const tally = { accept: 0, reject: 0, environment: 0, missingFile: 0 };
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < configs.length) {
        const config = configs[next++];
        const ours = lint(config);
        const answer = await askPgBouncer(config, { extraFiles: FILES });
        // verbose = N adds DEBUG lines that name settings such as pidfile: not environment problems.
        const logged = answer.log.filter((line) => !/^(DEBUG|NOISE) /.test(line));
        if (answer.verdict === 'reject' && environmentProblems(logged).length > 0) {
          tally.environment++;
          continue;
        }
        if (answer.verdict === 'reject' && ours.verdict === 'accept' && missingFile(ours.findings, logged)) {
          tally.missingFile++;
          continue;
        }
        tally[answer.verdict]++;
        if (answer.verdict !== ours.verdict) {
          disagreements.push({
            config,
            pgbouncer: answer.verdict,
            log: answer.log,
            ours: ours.verdict,
            findings: ours.findings,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    console.log(
      `differential: ${configs.length} configurations (PgBouncer accepted ${tally.accept}, rejected ${tally.reject}; ` +
        `${tally.environment} left out for environment reasons, ${tally.missingFile} because a file they name is missing), ` +
        `${disagreements.length} disagreements, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    recordSummary({
      suite: 'differential',
      cases: configs.length,
      accepted: tally.accept,
      rejected: tally.reject,
      skipped: tally.environment + tally.missingFile,
      disagreements: groupDisagreements(disagreements),
      disagreed: disagreements.length,
      notes: [
        `seed ${SEED}; ${tally.environment} left out for environment reasons, ${tally.missingFile} because a file they name is missing`,
      ],
    });
    assert.ok(
      tally.environment + tally.missingFile < configs.length / 10,
      `${tally.environment} configurations failed for environment reasons, ${tally.missingFile} for missing files`,
    );
    assert.ok(
      tally.accept > configs.length / 5 && tally.reject > configs.length / 5,
      'both verdicts are well represented',
    );
    if (disagreements.length > 0) {
      assert.fail(
        `${disagreements.length} disagreements (first ${Math.min(10, disagreements.length)} shown); keep each as a case in test/oracle/cases.ts\n\n` +
          disagreements.slice(0, 10).map(show).join('\n\n'),
      );
    }
  },
);
