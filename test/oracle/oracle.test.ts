// The real PgBouncer binary agrees with our verdicts: for every case of ./cases.ts our engine (at
// the binary's target version) reports an Error-severity finding if and only if PgBouncer refuses
// to start.
//
//   node --import tsx --test test/oracle/oracle.test.ts
//   PGBOUNCER_BIN=/path/bin/pgbouncer PGBOUNCER_TARGET=1.25 node --import tsx --test test/oracle/oracle.test.ts
//
// By default the binary is Debian's /usr/sbin/pgbouncer 1.18 (apt-get install -y pgbouncer); without
// it this file FAILS, it does not skip. `npm run test:releases` runs it on other releases. A case's
// measured verdict for the target (`expect` for 1.18, `expectBy` for others) is checked too; cases
// `since` a later release are skipped. PgBouncer runs at most 3 at a time (ORACLE_CONCURRENCY),
// ~45 ms per case.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { encodeText } from '../../server/src/files/text-codec';
import type { Finding } from '../../server/src/findings/finding';
import {
  CONFIG_NAME,
  ORACLE_TARGET,
  askPgBouncer,
  environmentProblems,
  fillPlaceholders,
  findPgBouncer,
  pgBouncerVersion,
} from '../support/pgbouncer-oracle';
import type { OracleAnswer } from '../support/pgbouncer-oracle';
import { recordSummary } from '../support/release-summary';
import { CASES, SETTINGS, TLS_PAIR, appliesTo, casesPerSetting, expectedVerdict } from './cases';
import type { OracleCase } from './cases';

/** Codes that never decide our verdict (none: lintCase says the files are this machine's, deployedHere). */
const IGNORED_CODES = new Set<string>([]);

/** Log lines that show a rejection is about the configuration itself. */
const CONFIG_REASONS = [
  /invalid value/,
  /syntax error/,
  /unknown parameter/,
  /unrecognized (connection|user) parameter/,
  /invalid section/,
  /main section missing/,
  /value without section/,
  /could not load file/,
  /include nesting level too deep/,
  /TLS setup failed/,
  /getaddrinfo\(/,
  /nowhere to listen on/,
  /database name "pgbouncer" is reserved/,
  /too long db name/,
  /invalid port/,
  /invalid pool mode/,
  /found existing elem/,
  /pidfile|Cannot open logfile|failed to create unix socket|failed to listen on any address/,
];

let binaryError: Error | null = null;
try {
  findPgBouncer();
} catch (error) {
  binaryError = error as Error;
}

const TARGET = ORACLE_TARGET;
/** The binary as the reports name it, e.g. "PgBouncer 1.18". */
const PGB = `PgBouncer ${TARGET}`;

test(`the pgbouncer binary is installed and is version ${TARGET}`, () => {
  if (binaryError) throw binaryError;
  const version = pgBouncerVersion();
  assert.ok(
    version.startsWith(`${PGB}.`),
    `the oracle runs at target ${TARGET} (PGBOUNCER_TARGET), but ${findPgBouncer()} is: ${version}`,
  );
});

test('every oracle case has a unique name', () => {
  const seen = new Map<string, number>();
  for (const c of CASES) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([name, n]) => `${name} (${n}x)`);
  assert.deepEqual(duplicates, [], `duplicate case names:\n${duplicates.join('\n')}`);
});

test('the table has at least one case per schema setting', () => {
  const perSetting = casesPerSetting();
  const missing = SETTINGS.map((s) => `${s.section}/${s.name}`).filter(
    (id) => (perSetting.get(id) ?? []).length === 0,
  );
  assert.deepEqual(missing, [], `settings without an oracle case:\n${missing.join('\n')}`);
});

test('TLS cases have a key/certificate pair (openssl)', (t) => {
  if (!TLS_PAIR) t.skip('openssl is not available: the TLS cases that need real key/cert files are left out');
});

// ---------------------------------------------------------------------------------------------

interface OurVerdict {
  verdict: 'accept' | 'reject';
  findings: Finding[];
  describe: (finding: Finding) => string;
}

function lintCase(c: OracleCase): OurVerdict {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-oracle-lint-'));
  try {
    // The same text PgBouncer got; {{port}} only matters to the as-is runs, any port does here.
    const fill = (text: string): string => fillPlaceholders(text, { dir, port: 6432 });
    for (const [name, content] of Object.entries(c.extraFiles ?? {})) {
      const target = path.join(dir, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, encodeText(fill(content)));
    }
    const text = fill(c.config);
    const filePath = path.join(dir, CONFIG_NAME);
    fs.writeFileSync(filePath, encodeText(text));
    const result = lintText(text, { filePath, targetVersion: TARGET, runDirectory: dir, deployedHere: true });
    const decisive = result.findings.filter((f) => f.severity === 'error' && !IGNORED_CODES.has(f.code));
    const describeFinding = (finding: Finding): string => {
      const file = result.model.files.find((f) => f.path === finding.file);
      const at = file ? file.parsed.lineIndex.positionAt(finding.span.start) : null;
      const where = `${path.relative(dir, finding.file) || finding.file}${at ? `:${at.line + 1}:${at.character + 1}` : ''}`;
      return `${where} ${finding.severity} [${finding.code}] ${finding.message}`.split(dir).join('$DIR');
    };
    return {
      verdict: decisive.length > 0 ? 'reject' : 'accept',
      findings: result.findings,
      describe: describeFinding,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The text with line numbers; control characters, BOM and NUL made visible. */
function showText(text: string): string {
  const visible = (line: string): string =>
    [...line]
      .map((ch) => {
        const code = ch.charCodeAt(0);
        if (ch === '\t') return '\\t';
        if (ch === '\r') return '\\r';
        if (code < 32 || code === 0x7f || code === 0xfeff) return `\\u${code.toString(16).padStart(4, '0')}`;
        return ch;
      })
      .join('');
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => `${String(i + 1).padStart(4)} | ${visible(line)}`).join('\n');
}

function report(c: OracleCase, answer: OracleAnswer, ours: OurVerdict, problems: string[]): string {
  const parts = [
    `${c.name}`,
    ...problems.map((p) => `  * ${p}`),
    `--- ${CONFIG_NAME}${c.asIs ? ' (run as-is)' : ' (sandboxed: listen_addr/listen_port/unix_socket_dir/pidfile/logfile overridden)'}`,
    showText(c.config),
  ];
  for (const [name, content] of Object.entries(c.extraFiles ?? {})) {
    parts.push(
      `--- ${name}`,
      /BEGIN .*(KEY|CERTIFICATE)/.test(content) ? '     (PEM data)' : showText(content),
    );
  }
  if (c.note) parts.push(`--- note: ${c.note}`);
  parts.push(`--- ${PGB}: ${answer.verdict.toUpperCase()}`, ...answer.log.map((l) => `  ${l}`));
  parts.push(
    `--- our engine: ${ours.verdict.toUpperCase()}`,
    ...(ours.findings.length > 0 ? ours.findings.map((f) => `  ${ours.describe(f)}`) : ['  (no findings)']),
  );
  return parts.join('\n');
}

const tally = {
  cases: 0,
  accept: 0,
  reject: 0,
  skipped: 0,
  disagreements: [] as string[],
  unexpected: [] as string[],
  refusedOtherwise: [] as string[],
  started: Date.now(),
};

describe(`${PGB} agrees with our verdicts`, { concurrency: 8 }, () => {
  if (binaryError) return; // reported (as a failure) by the first test of this file
  after(() => {
    const seconds = ((Date.now() - tally.started) / 1000).toFixed(1);
    console.log(
      `oracle: ${tally.cases} cases (${tally.accept} accepted, ${tally.reject} rejected by PgBouncer), ` +
        `${tally.disagreements.length} disagreements with our engine, ${tally.skipped} left out (since a later release), ${seconds} s`,
    );
    recordSummary({
      suite: 'oracle',
      cases: tally.cases,
      accepted: tally.accept,
      rejected: tally.reject,
      skipped: tally.skipped,
      disagreements: tally.disagreements,
      other: [
        ...tally.unexpected.map((name) => `measured verdict changed: ${name}`),
        ...tally.refusedOtherwise.map((name) => `refused for another reason: ${name}`),
      ],
    });
  });
  for (const c of CASES) {
    if (!appliesTo(c, TARGET)) {
      tally.skipped++;
      test(c.name, { skip: `about PgBouncer ${c.since} and later` }, () => {});
      continue;
    }
    const expected = expectedVerdict(c, TARGET);
    test(c.name, async () => {
      const answer = await askPgBouncer(c.config, { asIs: c.asIs, extraFiles: c.extraFiles });
      let ours: OurVerdict;
      try {
        ours = lintCase(c);
      } catch (error) {
        const stack = (error as Error).stack ?? String(error);
        assert.fail(
          `${c.name}\n  * our engine threw while linting this config:\n${stack}\n--- ${CONFIG_NAME}\n${showText(c.config)}`,
        );
      }
      tally.cases++;
      tally[answer.verdict]++;
      const problems: string[] = [];
      if (answer.verdict === 'reject') {
        const environment = environmentProblems(answer.log, c.asIs);
        if (environment.length > 0) {
          tally.refusedOtherwise.push(c.name);
          problems.push(
            `PgBouncer refused because of the environment, not the config: ${environment.join(' | ')}`,
          );
        } else if (!answer.log.some((line) => CONFIG_REASONS.some((reason) => reason.test(line)))) {
          tally.refusedOtherwise.push(c.name);
          problems.push('PgBouncer refused without a recognisable configuration error in its log');
        }
      }
      if (expected && answer.verdict !== expected) {
        tally.unexpected.push(c.name);
        problems.push(
          `the case expects ${PGB} to ${expected} this config (measured), but it did not: the case no longer tests what its name says`,
        );
      }
      if (ours.verdict !== answer.verdict) {
        tally.disagreements.push(`${c.name} (${PGB} ${answer.verdict}s, we ${ours.verdict})`);
        problems.push(
          ours.verdict === 'reject'
            ? `our engine reports an error, but ${PGB} starts with this config`
            : `${PGB} refuses to start, but our engine reports no error`,
        );
      }
      if (problems.length > 0) assert.fail(report(c, answer, ours, problems));
    });
  }
});
