// Does an .ini file look like a PgBouncer configuration? Plain functions, no VS Code, so that
// the offer to switch its language is unit-tested. PgBouncer's knowledge comes from the catalog.

import { configOutline, connectionStringKeys, isKnownSetting } from '../../server/src/api';

/** Only the start of a large file is looked at: a PgBouncer configuration shows itself early. */
const SCAN_LIMIT = 64 * 1024;

/** Known [pgbouncer] settings it takes, without a [pgbouncer] header, to be fairly sure. */
const MIN_KNOWN_SETTINGS = 3;

/**
 * True for a [pgbouncer] header; for a [databases] entry whose value is a connection string of
 * [databases] parameters (host=..., dbname=...); or for several [pgbouncer] settings outside other
 * sections (an %include fragment). Single-word names such as "user" or "logfile" appear in many
 * .ini files, so only names with an underscore count.
 */
export function looksLikePgBouncerConfig(text: string): boolean {
  const outline = configOutline(text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text);
  let section: string | null = null;
  const known = new Set<string>();
  for (const item of outline) {
    if (item.kind === 'section') {
      section = item.name;
      if (section === 'pgbouncer') return true;
      continue;
    }
    const key = item.key;
    if (section === 'databases') {
      const keys = connectionStringKeys(item.value);
      if (keys !== null && keys.length > 0 && keys.every((name) => isKnownSetting('databases', name)))
        return true;
    } else if (section === null && key.includes('_') && isKnownSetting('pgbouncer', key)) {
      known.add(key);
      if (known.size >= MIN_KNOWN_SETTINGS) return true;
    }
  }
  return false;
}

/** The files.associations key for a file: its name, which VS Code matches in any folder. */
export function associationPattern(filePath: string): string {
  const name = filePath.split(/[\\/]/).pop() ?? filePath;
  // A glob character in the name would change the pattern's meaning: '?' matches it and little else.
  return name.replace(/[*?[\]{},]/g, '?');
}

/** files.associations with the file's name mapped to the language, other entries kept. */
export function withAssociation(
  associations: Readonly<Record<string, string>> | undefined,
  filePath: string,
  languageId: string,
): Record<string, string> {
  return { ...(associations ?? {}), [associationPattern(filePath)]: languageId };
}
