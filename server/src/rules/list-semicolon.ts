import { availableIn, setting } from '../catalog/catalog';
import { replace } from '../model/edits';
import type { RuleFinding } from './rule';
import type { Rule } from './rule';

/**
 * Comma-separated [pgbouncer] lists of names. PgBouncer finds a name in admin_users, stats_users
 * and ignore_startup_parameters only between blanks or commas (strlist_contains), and splits
 * track_extra_parameters at commas only (parse_word_list); a ';' is an ordinary character in a
 * value (comments start a line), so 'a;b' is one name that matches nothing.
 */
const NAME_LISTS = ['admin_users', 'stats_users', 'ignore_startup_parameters', 'track_extra_parameters'];

export const listSemicolon: Rule = {
  id: 'list-semicolon',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: "A list setting uses ';' as its separator, which PgBouncer reads as part of a name",
  docs: {
    why: `PgBouncer separates the names of ${NAME_LISTS.join(', ')} with commas (and, except in track_extra_parameters, blanks). A semicolon is not a separator, and inside a value it does not start a comment either (only a line that begins with ';' is a comment): admin_users = alice;bob is the single name 'alice;bob', so neither alice nor bob gets admin rights, and PgBouncer says nothing about it.`,
    fix: "Separate the names with commas: admin_users = alice, bob. The quick fix replaces each ';' with ','.",
    link: 'https://www.pgbouncer.org/config.html#admin_users',
  },
  check(context) {
    const found: RuleFinding[] = [];
    for (const name of NAME_LISTS) {
      const known = setting('pgbouncer', name);
      if (!known || !availableIn(known.addedIn, context.target)) continue;
      const at = context.entry(name);
      if (!at) continue;
      const { text, span } = at.entry.value;
      // A blank before the ';' makes the rest an inline comment, which validation reports.
      if (!text.includes(';') || /\s;/.test(text)) continue;
      const names = text
        .split(/[;,\s]+/)
        .filter((part) => part !== '')
        .map((part) => `'${part}'`);
      const fix =
        at.file === context.root
          ? [
              {
                title: "Replace ';' with ','",
                kind: 'suggestion' as const,
                edits: [replace(at.file, span, text.replace(/;/g, ','))],
              },
            ]
          : [];
      found.push({
        file: at.file,
        span,
        message: `${name} uses ';' between names, but PgBouncer separates them with commas: the ';' becomes part of a name, so ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not in the list. Separate the names with ','.`,
        fixes: fix,
      });
    }
    return found;
  },
};
