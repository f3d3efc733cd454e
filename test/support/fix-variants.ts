// Every fix offered on a fixture, applied: the text after the fix, for the fix tests.

import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/findings/fix';
import type { Fix } from '../../server/src/findings/fix';
import type { Finding } from '../../server/src/findings/finding';
import type { Fixture } from './fixtures';
import { runDirectoryOf } from './fixtures';

export interface FixVariant {
  fixture: Fixture;
  finding: Finding;
  fix: Fix;
  /** The fixture's text with the fix applied. */
  text: string;
}

export function lintFixtureText(fixture: Fixture, text: string): LintResult {
  return lintText(text, {
    filePath: fixture.iniPath,
    targetVersion: fixture.expected.targetVersion,
    runDirectory: runDirectoryOf(fixture),
  });
}

export function fixVariants(fixture: Fixture): FixVariant[] {
  const result = lintFixtureText(fixture, fixture.text);
  const variants: FixVariant[] = [];
  for (const finding of result.findings) {
    if (finding.file !== fixture.iniPath) continue;
    for (const fix of finding.fixes ?? []) {
      const edits = fix.edits.filter((edit) => edit.file === fixture.iniPath);
      if (edits.length !== fix.edits.length) continue; // fixes of other files are not offered in this one
      variants.push({ fixture, finding, fix, text: applyEdits(fixture.text, edits) });
    }
  }
  return variants;
}

/** How many findings of each code. */
export function codeCounts(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.code, (counts.get(finding.code) ?? 0) + 1);
  return counts;
}
