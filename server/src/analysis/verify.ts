// Guessed fixes (a "did you mean" rename, another enum value: Fix.verify) are kept only if applying
// one removes its finding, which takes a whole lint of the changed text per guess; one that adds
// another finding is kept as a suggestion that names it (the message offers it, so the light bulb
// does), and so is never applied by --fix or Fix All.
// Only what validation finds counts: the audit's advice on the value the guess writes (transaction
// pooling without idle_transaction_timeout, say) follows from the value, not from a collision.
// The CLI checks them right away; the language server leaves them until a fix is asked for (the
// light bulb, Fix All, the audit report), so that a keystroke costs one lint, not forty.

import type { Finding } from '../findings/finding';
import { applyEdits } from '../findings/fix';
import type { Fix } from '../findings/fix';
import { RULES } from '../rules';

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

/** Beyond this, guessed fixes are not verified but dropped: each check is a whole lint. */
const MAX_VERIFIED_FIXES = 40;
const MAX_VERIFIED_TEXT = 256 * 1024;

/** Lints a changed text of the same file the same way, without checking its own guesses. */
export type Relint = (text: string) => { findings: readonly Finding[] };

interface Unverified {
  text: string;
  filePath: string;
  findings: Finding[];
  relint: Relint;
}

const unverified = new WeakMap<object, Unverified>();

/** Checks the guessed fixes of `findings` now, dropping those that fail. */
export function verifyGuesses(text: string, filePath: string, findings: Finding[], relint: Relint): void {
  const flagged = findings.flatMap((finding) => (finding.fixes ?? []).filter((fix) => fix.verify));
  if (flagged.length === 0) return;
  const affordable = flagged.length <= MAX_VERIFIED_FIXES && text.length <= MAX_VERIFIED_TEXT;
  const before = affordable ? countCodes(findings) : null;
  for (const finding of findings) {
    if (!finding.fixes?.some((fix) => fix.verify)) continue;
    finding.fixes = finding.fixes.flatMap((fix): Fix[] => {
      if (!fix.verify) return [fix];
      if (!before || fix.edits.some((edit) => edit.file !== filePath)) return [];
      const after = countCodes(relint(applyEdits(text, fix.edits)).findings);
      if ((after.get(finding.code) ?? 0) >= (before.get(finding.code) ?? 0)) return [];
      const added = [...after]
        .filter(([code, count]) => count > (before.get(code) ?? 0))
        .map(([code]) => code);
      if (added.length === 0) return [fix];
      // What the message suggests, but the result has a problem of its own (a rename onto a key
      // already set, a value that needs another setting): still one click away, never applied
      // without asking.
      return [{ ...fix, kind: 'suggestion', title: `${fix.title} (then: ${added.join(', ')})` }];
    });
    if (finding.fixes.length === 0) delete finding.fixes;
  }
}

/** Leaves the guesses of an analysis (`owner`: its result) to be checked when a fix is first asked for. */
export function verifyLater(
  owner: object,
  text: string,
  filePath: string,
  findings: Finding[],
  relint: Relint,
): void {
  if (findings.some((finding) => finding.fixes?.some((fix) => fix.verify))) {
    unverified.set(owner, { text, filePath, findings, relint });
  }
}

/** Before reading fixes: checks the guesses left for later, once (nothing when there are none). */
export function verifyFixes(owner: object): void {
  const pending = unverified.get(owner);
  if (!pending) return;
  unverified.delete(owner);
  verifyGuesses(pending.text, pending.filePath, pending.findings, pending.relint);
}

function countCodes(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    if (!RULE_IDS.has(finding.code)) counts.set(finding.code, (counts.get(finding.code) ?? 0) + 1);
  }
  return counts;
}
