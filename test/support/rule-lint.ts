// Linting a configuration in a virtual folder for the rule tests: no project file, target 1.18
// unless asked, an empty in-memory file system with the folder in it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { lintText } from '../../server/src/analysis/engine';
import type { LintOptions } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/findings/finding';
import { memoryFileSystem } from './memory-fs';

/** A lint of pgbouncer.ini in `dir` (which exists only in memory). */
export function virtualLint(dir: string): (text: string, options?: Partial<LintOptions>) => Finding[] {
  const filePath = path.join(dir, 'pgbouncer.ini');
  return (text, options = {}) =>
    lintText(text, {
      filePath,
      runDirectory: dir,
      useProjectFile: false,
      targetVersion: '1.18',
      fileSystem: memoryFileSystem({}, [dir]),
      ...options,
    }).findings;
}

export function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

/** The one finding of `code`; fails when there are none or several. */
export function one(findings: Finding[], code: string): Finding {
  const found = only(findings, code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(found.map((f) => f.message))}`);
  return found[0];
}
