// PgBouncer's own sample and test configurations, judged by the release they come from: the .ini
// files under etc/ and test/ of the pgbouncer repository at the binary's tag (its --version), as
// they are and once more per commented-out example line (";key = value" uncommented, one at a
// time). PgBouncer starts or refuses each variant; our engine, at the target version, must report
// an Error finding (other than file-not-found) exactly when it refuses.
//
// Only `npm run test:releases` runs this file (it is not a *.test.ts, so `npm test` leaves it out):
// it needs a git mirror of github:pgbouncer/pgbouncer, which CI does not have. Nothing read from
// the mirror is written anywhere but the temporary directories of the runs.
//
//   PGBOUNCER_BIN=/path/bin/pgbouncer PGBOUNCER_TARGET=1.25 node --import tsx --test test/oracle/upstream-samples.ts
//   PGBOUNCER_SOURCE_MIRROR  the bare mirror (default /work/.mirror/pgbouncer+pgbouncer/repo)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/findings/finding';
import {
  CONFIG_NAME,
  ORACLE_TARGET,
  askPgBouncer,
  environmentProblems,
  pgBouncerVersion,
} from '../support/pgbouncer-oracle';
import { recordSummary } from '../support/release-summary';

const MIRROR = process.env.PGBOUNCER_SOURCE_MIRROR || '/work/.mirror/pgbouncer+pgbouncer/repo';
const PGB = `PgBouncer ${ORACLE_TARGET}`;
const IGNORED_CODES = new Set(['file-not-found']);
/** Files next to a sample that are bigger than this are not copied (none of them is a config input). */
const MAX_EXTRA_BYTES = 256 * 1024;

function git(...args: string[]): string {
  return execFileSync('git', [`--git-dir=${MIRROR}`, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

interface Variant {
  /** e.g. "test/test.ini" or "etc/pgbouncer.ini, line 42 uncommented: ;pidfile = ..." */
  name: string;
  text: string;
  /** The files of the sample's folder at the tag, by name. */
  files: Record<string, string>;
}

/** ";key = value" (one ";", blanks allowed around it): an example line that can be uncommented. */
const EXAMPLE_LINE = /^([ \t]*);[ \t]*([A-Za-z0-9_.*-]+[ \t]*=.*)$/;

function variantsOf(file: string, text: string, files: Record<string, string>): Variant[] {
  const lines = text.split('\n');
  const out: Variant[] = [{ name: `${file} (as it is)`, text, files }];
  lines.forEach((line, index) => {
    const match = EXAMPLE_LINE.exec(line);
    if (!match) return;
    const changed = [...lines];
    changed[index] = match[1] + match[2];
    out.push({
      name: `${file}:${index + 1} uncommented: ${line.trim()}`,
      text: changed.join('\n'),
      files,
    });
  });
  return out;
}

function collect(tag: string): Variant[] {
  const names = git('ls-tree', '-r', '-z', '--name-only', tag, '--', 'etc', 'test')
    .split('\0')
    .filter((name) => name.endsWith('.ini'));
  const all: Variant[] = [];
  for (const name of names) {
    const folder = path.posix.dirname(name);
    const files: Record<string, string> = {};
    for (const entry of git('ls-tree', '-z', '-l', tag, `${folder}/`).split('\0')) {
      // "<mode> blob <sha> <size>\t<path>"
      const match = /^100\d{3} blob ([0-9a-f]+) +(\d+)\t(.*)$/.exec(entry);
      if (!match || Number(match[2]) > MAX_EXTRA_BYTES) continue;
      const base = path.posix.basename(match[3]);
      if (base === CONFIG_NAME) continue; // the config itself is written under this name
      files[base] = git('cat-file', 'blob', match[1]);
    }
    all.push(...variantsOf(name, git('show', `${tag}:${name}`), files));
  }
  return all;
}

function lint(variant: Variant): { verdict: 'accept' | 'reject'; findings: Finding[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-upstream-lint-'));
  try {
    for (const [name, content] of Object.entries(variant.files))
      fs.writeFileSync(path.join(dir, name), content);
    const filePath = path.join(dir, CONFIG_NAME);
    fs.writeFileSync(filePath, variant.text);
    const result = lintText(variant.text, {
      filePath,
      targetVersion: ORACLE_TARGET,
      runDirectory: dir,
      useProjectFile: false,
    });
    const decisive = result.findings.filter((f) => f.severity === 'error' && !IGNORED_CODES.has(f.code));
    return { verdict: decisive.length > 0 ? 'reject' : 'accept', findings: result.findings };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** PgBouncer's last FATAL or ERROR line: why it refused. */
function complaint(log: string[]): string {
  return [...log].reverse().find((line) => /^(FATAL|ERROR) /.test(line)) ?? '(no FATAL line)';
}

test(
  `${PGB} and our engine agree on PgBouncer's own sample and test configurations`,
  { timeout: 600_000 },
  async () => {
    const version = /^PgBouncer (\d+\.\d+\.\d+)/.exec(pgBouncerVersion())?.[1];
    assert.ok(version, `cannot tell the release of the binary: ${pgBouncerVersion()}`);
    assert.ok(
      version.startsWith(`${ORACLE_TARGET}.`),
      `the binary is ${version}, the target ${ORACLE_TARGET}`,
    );
    const tag = `pgbouncer_${version.replace(/\./g, '_')}`;
    assert.ok(fs.existsSync(MIRROR), `no pgbouncer mirror at ${MIRROR} (set PGBOUNCER_SOURCE_MIRROR)`);
    const variants = collect(tag);
    assert.ok(variants.length > 10, `only ${variants.length} sample configurations at ${tag}`);

    const failures: string[] = [];
    const disagreements: string[] = [];
    const tally = { accepted: 0, rejected: 0, environment: 0, missingFile: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < variants.length) {
        const variant = variants[next++];
        const answer = await askPgBouncer(variant.text, { extraFiles: variant.files });
        const ours = lint(variant);
        const logged = answer.log.filter((line) => !/^(DEBUG|NOISE) /.test(line));
        if (answer.verdict === 'reject' && environmentProblems(logged).length > 0) {
          tally.environment++;
          continue;
        }
        // A file the sample names that is not in the repository (generated test certificates,
        // /etc/pgbouncer/...): missing files are judged apart, as in the other oracle suites.
        if (
          answer.verdict === 'reject' &&
          ours.verdict === 'accept' &&
          ours.findings.some((f) => f.code === 'file-not-found') &&
          logged.some((line) => /failed to load|No such file|could not open|cannot open/.test(line))
        ) {
          tally.missingFile++;
          continue;
        }
        tally[answer.verdict === 'accept' ? 'accepted' : 'rejected']++;
        if (answer.verdict === ours.verdict) continue;
        const errors = ours.findings.filter((f) => f.severity === 'error' && !IGNORED_CODES.has(f.code));
        disagreements.push(
          `${variant.name} (${PGB} ${answer.verdict}s${answer.verdict === 'reject' ? `: ${complaint(answer.log)}` : ''}; ` +
            `we ${ours.verdict}${ours.verdict === 'reject' ? `: ${[...new Set(errors.map((f) => f.code))].join(', ')}` : ''})`,
        );
        failures.push(
          [
            variant.name,
            `--- ${PGB}: ${answer.verdict.toUpperCase()}`,
            ...answer.log.map((line) => `  ${line}`),
            `--- our engine (target ${ORACLE_TARGET}): ${ours.verdict.toUpperCase()}`,
            ...(errors.length > 0 ? errors.map((f) => `  [${f.code}] ${f.message}`) : ['  (no errors)']),
          ].join('\n'),
        );
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    console.log(
      `upstream samples (${tag}): ${variants.length} configurations (PgBouncer accepted ${tally.accepted}, ` +
        `rejected ${tally.rejected}; ${tally.environment} left out for environment reasons, ${tally.missingFile} ` +
        `because a file they name is missing), ${disagreements.length} disagreements`,
    );
    recordSummary({
      suite: 'upstream samples',
      cases: variants.length,
      accepted: tally.accepted,
      rejected: tally.rejected,
      skipped: tally.environment + tally.missingFile,
      disagreements,
      notes: [
        `${tag}; ${tally.environment} left out for environment reasons, ${tally.missingFile} because a file they name is missing`,
      ],
    });
    assert.deepEqual(failures, [], `${failures.length} disagreements\n\n${failures.join('\n\n')}`);
  },
);
