// Fixes and related places, as the checks build them.

import type { Dependency, Fix, FixKind, TextEdit } from '../findings/fix';
import type { RelatedInfo } from '../findings/finding';
import type { Located } from '../model/effective';

/** A fix; besides its own line (see engine.ts) its reason reads `dependsOn`. */
export function fix(title: string, kind: FixKind, edits: TextEdit[], dependsOn?: Dependency[]): Fix {
  return dependsOn ? { title, kind, edits, dependsOn } : { title, kind, edits };
}

/** A "did you mean" fix: kept only if the engine finds it adds no problem. */
export function guess(title: string, kind: FixKind, edits: TextEdit[]): Fix {
  return { title, kind, verify: true, edits };
}

/** The key of another entry, as a place related to a finding. */
export function relatedTo(at: Located, message: string): RelatedInfo {
  return { file: at.file.path, span: at.entry.key.span, message };
}
