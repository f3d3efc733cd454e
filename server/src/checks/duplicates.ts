// A [pgbouncer] setting, database or user given again: PgBouncer uses the later one, so the
// earlier line has no effect and can go (when it is in the same file).

import { lineDependency } from '../findings/fix';
import { deleteEntry } from '../model/edits';
import type { Located } from '../model/effective';
import type { CheckContext } from './check';
import { fix, relatedTo } from './fixes';

export function reportDuplicate(
  at: Located,
  previous: Located,
  code: 'duplicate-setting' | 'duplicate-database' | 'duplicate-user',
  text: { message: string; earlier: string; fixTitle: string },
  context: CheckContext,
): void {
  context.report(at.file, at.entry.key.span, code, text.message, {
    related: [relatedTo(previous, text.earlier)],
    fixes: [
      previous.file === at.file
        ? fix(
            text.fixTitle,
            'safe',
            [deleteEntry(previous.file, previous.entry)],
            [lineDependency(previous.file, previous.entry.span.start)],
          )
        : null,
    ],
  });
}
