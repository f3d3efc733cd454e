// The keys of [pgbouncer]: settings PgBouncer does not know (here or in this version, or on this
// platform), deprecated ones, and one given twice. Their values are main-values.ts's.

import { closestName, availableIn, setting, versionLabel } from '../catalog/catalog';
import type { Setting } from '../catalog/catalog';
import { replace } from '../model/edits';
import type { Located } from '../model/effective';
import type { Span } from '../syntax/syntax';
import { ACCEPTED, REFUSED } from './check';
import type { Check, CheckContext } from './check';
import { reportDuplicate } from './duplicates';
import { fix, guess } from './fixes';

export const mainSettingNames: Check = {
  name: '[pgbouncer] setting names',
  reports: [
    'misplaced-setting',
    'unknown-setting',
    'platform-specific',
    'newer-than-target',
    'deprecated',
    'duplicate-setting',
  ],
  entriesIn: ['pgbouncer'],
  entry(at, context) {
    const { entry, file } = at;
    const { target } = context;
    const name = entry.key.text;
    const known = setting('pgbouncer', name);
    if (!known) {
      if (setting('databases', name) || /^[^=]*\S\s*=/.test(entry.value.text)) {
        context.report(
          file,
          entry.key.span,
          'misplaced-setting',
          `'${name}' looks like a database definition, but it is in [pgbouncer], where PgBouncer refuses unknown settings. Move it to [databases].`,
        );
        return REFUSED;
      }
      const suggestion = closestName(name, context.suggestableNames('pgbouncer'));
      const hint = suggestion
        ? suggestion.toLowerCase() === name.toLowerCase()
          ? ` Keys are case-sensitive: did you mean '${suggestion}'?`
          : ` Did you mean '${suggestion}'?`
        : '';
      context.report(
        file,
        entry.key.span.start === entry.key.span.end ? entry.span : entry.key.span,
        'unknown-setting',
        `Unknown setting '${name}' in [pgbouncer]; PgBouncer refuses to start.${hint}`,
        {
          fixes: [
            suggestion
              ? // A misspelt key: the file starts with the setting it evidently meant (a quoted
                // key keeps its quotes: key.span has them).
                guess(`Rename to '${suggestion}'`, 'safe', [
                  replace(file, entry.key.span, entry.key.quoted ? `'${suggestion}'` : suggestion),
                ])
              : null,
          ],
        },
      );
      return REFUSED;
    }
    if (known.platform) {
      context.report(
        file,
        entry.key.span,
        'platform-specific',
        `'${name}' exists only in ${known.platform === 'windows' ? 'Windows' : known.platform} builds of PgBouncer; others refuse it as an unknown setting.`,
      );
      return REFUSED;
    }
    if (!availableIn(known.addedIn, target)) {
      context.report(
        file,
        entry.key.span,
        'newer-than-target',
        `'${name}' was added in ${versionLabel(known.addedIn)}; PgBouncer ${target.label} refuses it as an unknown setting.`,
      );
      return REFUSED;
    }
    reportDeprecatedSetting(at, known, at.entry.key.span, context);
    const previous = context.mainSettings.get(name);
    if (previous) {
      reportDuplicate(
        at,
        previous,
        'duplicate-setting',
        {
          message: `'${name}' is already set on ${context.where(previous)}; PgBouncer uses this later value.`,
          earlier: 'earlier value, without effect',
          fixTitle: `Remove the earlier ${name} line, which has no effect`,
        },
        context,
      );
    }
    return ACCEPTED;
  },
};

/** A deprecated setting, or connection parameter (`keySpan`), with its replacement when the target has it. */
export function reportDeprecatedSetting(
  at: Located,
  known: Setting,
  keySpan: Span,
  context: CheckContext,
): void {
  const { target } = context;
  if (!known.deprecated || !availableIn(known.deprecated.since, target)) return;
  const replacement = known.deprecated.replacement
    ? setting(known.section, known.deprecated.replacement)
    : undefined;
  if (replacement && !availableIn(replacement.addedIn, target)) return;
  const advice = replacement
    ? ` Use '${replacement.name}' instead.`
    : known.deprecated.note
      ? ` ${known.deprecated.note}`
      : '';
  context.report(at.file, keySpan, 'deprecated', `'${known.name}' is deprecated.${advice}`, {
    tags: ['deprecated'],
    fixes: [
      replacement
        ? fix(`Rename to '${replacement.name}'`, 'safe', [replace(at.file, keySpan, replacement.name)])
        : null,
    ],
  });
}
