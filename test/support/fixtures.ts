// Fixtures shared by the unit, protocol and CLI tests: test/fixtures/NAME.ini with
// NAME.expected.json holding every diagnostic expected in that file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../../server/src/analysis/engine';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures');

/** One diagnostic as the CLI's JSON output gives it, without the file name: 1-based lines and columns. */
export interface ExpectedDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

export interface FixtureExpectation {
  /** What the fixture shows, in a sentence. */
  description: string;
  targetVersion?: string;
  /** Relative to the fixtures folder. */
  runDirectory?: string;
  /**
   * Compare only findings with these codes, plus every error. Rule fixtures use it, so that a new
   * rule does not change the expectations of every other rule's fixtures.
   */
  only?: string[];
  diagnostics: ExpectedDiagnostic[];
}

export interface Fixture {
  name: string;
  iniPath: string;
  text: string;
  expected: FixtureExpectation;
}

/** Folders below test/fixtures whose fixtures are shared by every level of tests. */
const FIXTURE_FOLDERS = ['', 'rules'];

export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const folder of FIXTURE_FOLDERS) {
    const dir = path.join(FIXTURES_DIR, folder);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      const iniPath = path.join(dir, file);
      const expectedPath = iniPath.replace(/\.ini$/, '.expected.json');
      if (!file.endsWith('.ini') || !fs.existsSync(expectedPath)) continue;
      const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8')) as FixtureExpectation;
      const name = path.posix.join(folder, file.replace(/\.ini$/, ''));
      fixtures.push({ name, iniPath, text: fs.readFileSync(iniPath, 'utf8'), expected });
    }
  }
  return fixtures;
}

/** The diagnostics a fixture's expectation speaks about (see FixtureExpectation.only). */
export function relevant<T extends { code: string; severity: string }>(
  fixture: Fixture,
  diagnostics: T[],
): T[] {
  const only = fixture.expected.only;
  if (!only) return diagnostics;
  return diagnostics.filter((d) => d.severity === 'error' || only.includes(d.code));
}

export function runDirectoryOf(fixture: Fixture): string | undefined {
  return fixture.expected.runDirectory
    ? path.resolve(FIXTURES_DIR, fixture.expected.runDirectory)
    : undefined;
}

export function sortDiagnostics<T extends ExpectedDiagnostic>(diagnostics: T[]): T[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** Messages may name absolute paths; fixtures store them relative to a <fixtures> placeholder. */
export function portableMessage(message: string): string {
  return message.split(FIXTURES_DIR).join('<fixtures>');
}

/** What the engine reports for a fixture's own file, in the fixture format. */
export function lintFixture(fixture: Fixture): ExpectedDiagnostic[] {
  const result = lintText(fixture.text, {
    filePath: fixture.iniPath,
    targetVersion: fixture.expected.targetVersion,
    runDirectory: runDirectoryOf(fixture),
  });
  const lineIndex = result.model.root.parsed.lineIndex;
  return sortDiagnostics(
    relevant(fixture, result.findings)
      .filter((finding) => finding.file === fixture.iniPath)
      .map((finding) => {
        const range = lineIndex.rangeOf(finding.span);
        return {
          line: range.start.line + 1,
          column: range.start.character + 1,
          endLine: range.end.line + 1,
          endColumn: range.end.character + 1,
          severity: finding.severity,
          code: finding.code,
          message: portableMessage(finding.message),
        };
      }),
  );
}
