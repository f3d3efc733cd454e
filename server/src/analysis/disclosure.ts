// What findings may show. Output goes to places the files' readers are not: CI logs, SARIF uploaded to
// a public code-scanning page, an audit report pasted into a ticket. So, after the analysis:
//   - a finding located in a file the user did not hand to the linter (an %include, a file found next
//     to it) says what kind of problem is where, never the text there: an `%include .env` in
//     [databases] or a PEM key read as settings would otherwise be printed line by line;
//   - everything shown, findings about the open file included, has secrets masked: password values of
//     connection strings (wherever they were read), the password part of URLs, SCRAM and MD5 secrets
//     and key material.

import * as path from 'node:path';
import type { Fix } from '../findings/fix';
import { connStringOf, isRetained, paramCount, paramKeyAt, paramValueAt } from '../syntax/connstring';
import type { ConnString } from '../syntax/connstring';
import { detachedCopy } from '../incremental/intern';
import { SideTable } from '../incremental/side-table';
import { eventsCollect } from '../model/config';
import type { ConfigEvent, ConfigModel, EntryEvent, LoadedFile } from '../model/config';
import type { Entry } from '../syntax/syntax';
import { allSections, allSettings, setting } from '../catalog/catalog';
import type { SectionName } from '../catalog/catalog';
import type { Finding, RelatedInfo } from '../findings/finding';

export const MASK = '********';

/** Shorter known secrets are masked only where a pattern says they are one (a one-letter password is everywhere). */
const MIN_KNOWN_SECRET_LENGTH = 4;

const SECRET_PATTERNS: readonly [RegExp, string | ((...match: string[]) => string)][] = [
  // password=..., password = '...' (connection strings; also "PASSWORD=" in .env lines)
  [/\b(password\s*=\s*)('(?:[^'\\]|\\.)*'?|"[^"]*"?|[^\s'",;]+)/gi, (_m, lead: string) => `${lead}${MASK}`],
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]*):([^@\s'"]*)@/gi, (_m, lead: string) => `${lead}:${MASK}@`],
  // PgBouncer / PostgreSQL secrets
  [/SCRAM-SHA-256\$[^\s'",;]+/g, `SCRAM-SHA-256$${MASK}`],
  [/\bmd5[0-9a-f]{32}\b/gi, `md5${MASK}`],
  // PEM armour and the base64 lines of keys and certificates
  [/-----(BEGIN|END) [A-Z0-9 ]*-----/g, '[key material]'],
  [/[A-Za-z0-9+/]{40,}={0,2}/g, (run: string) => (looksLikeBase64(run) ? '[key material]' : run)],
];

/**
 * A long run of base64 characters is key material unless it reads as a file path, such as
 * /home/runner/work/app/config or /Users/Jane/Projects/MyService: words, mostly in lower case, with
 * a slash every few characters and no plus. Base64 has a slash in 64 characters and as many upper
 * as lower case letters (or mostly upper case, in the DER headers of keys), so a line of a key is
 * almost never taken for a path; masking a path would hide where a file is.
 */
function looksLikeBase64(run: string): boolean {
  const slashes = run.length - run.replaceAll('/', '').length;
  if (slashes < 3 || slashes * 16 < run.length || run.includes('+')) return true;
  const upper = run.length - run.replace(/[A-Z]/g, '').length;
  const lower = run.length - run.replace(/[a-z]/g, '').length;
  return lower * 10 < (upper + lower) * 7;
}

/** A text matches SECRET_PATTERNS only if it holds one of these or a run of 40 base64 characters. */
const MIGHT_HOLD_SECRET = /password|:\/\/|SCRAM|md5|-----|[A-Za-z0-9+/]{40}/i;

/** Masks secrets in text that is about to be shown. */
export class Redactor {
  private readonly known: string[];

  constructor(knownSecrets: Iterable<string> = []) {
    // Longest first, so that a secret containing another is masked whole.
    this.known = [...new Set(knownSecrets)]
      .filter((secret) => secret.length >= MIN_KNOWN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.known) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return maskPatterns(out);
  }
}

/**
 * Texts with SECRET_PATTERNS masked, by text: the language server shows the same messages after
 * every keystroke, and scanning each for the patterns cost more than looking them up.
 */
const maskedTexts = new Map<string, string>();

function maskPatterns(text: string): string {
  const known = maskedTexts.get(text);
  if (known !== undefined) return known;
  let out = text;
  if (MIGHT_HOLD_SECRET.test(out)) {
    for (const [pattern, replacement] of SECRET_PATTERNS) {
      out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
    }
  }
  if (maskedTexts.size >= 20_000) maskedTexts.clear();
  // Copies of their own: a message may hold a slice of a document's whole text, which the table
  // would otherwise keep alive after the document has changed.
  const key = detachedCopy(text);
  maskedTexts.set(key, out === text ? key : detachedCopy(out));
  return out;
}

const NO_SECRETS: readonly string[] = [];

/** The password= values of connection strings a document keeps, for its next analyses. */
const keptSecrets = new SideTable<ConnString, readonly string[]>(
  'analysis: the passwords of a connection string',
);

function passwordsOf(connString: ConnString): readonly string[] {
  let found: string[] | null = null;
  if (/password/i.test(connString.text)) {
    for (let i = 0; i < paramCount(connString); i++) {
      if (paramKeyAt(connString, i).toLowerCase() === 'password') {
        const value = paramValueAt(connString, i);
        if (value !== '') (found ??= []).push(value);
      }
    }
  }
  return found ?? NO_SECRETS;
}

/** Every password= value in the connection strings the configuration reads, in any file. */
export function knownSecrets(model: ConfigModel): Set<string> {
  const secrets = new Set<string>();
  for (const passwords of eventsCollect(model, 'analysis: the passwords of each entry', passwordsOfEvent))
    for (const password of passwords) secrets.add(password);
  return secrets;
}

/** The passwords an entry holds, or undefined: none (most entries). */
function passwordsOfEvent(event: ConfigEvent): readonly string[] | undefined {
  if (event.kind !== 'entry') return undefined;
  const passwords = passwordsIn(event);
  return passwords.length > 0 ? passwords : undefined;
}

function passwordsIn(event: EntryEvent): readonly string[] {
  if (event.section !== 'databases' && event.section !== 'users' && event.section !== 'peers')
    return NO_SECRETS;
  const connString = connStringOf(event.file.parsed, event.entry);
  let passwords = isRetained(connString) ? keptSecrets.get(connString) : undefined;
  if (passwords === undefined) {
    passwords = passwordsOf(connString);
    if (isRetained(connString)) keptSecrets.set(connString, passwords);
  }
  return passwords;
}

/** Where in `model` a finding outside the main file is, in words that quote nothing from it. */
class IncludedPlaces {
  private readonly entriesByFile = new Map<string, { entry: Entry; section: string | null }[]>();
  private readonly files = new Map<string, LoadedFile>();

  constructor(private readonly model: ConfigModel) {
    for (const file of model.files) if (!this.files.has(file.path)) this.files.set(file.path, file);
  }

  lineOf(filePath: string, offset: number): number | null {
    const file = this.files.get(filePath);
    return file ? file.parsed.lineIndex.lineNumberAt(offset) : null;
  }

  /** "setting client_idle_timeout in [pgbouncer]", "a [databases] entry", or null. */
  subjectAt(filePath: string, offset: number): string | null {
    let entries = this.entriesByFile.get(filePath);
    if (!entries) {
      // By start offset, once each (a file included twice has its entries twice among the events).
      const byStart = new Map<number, { entry: Entry; section: string | null }>();
      for (const event of this.model.events) {
        if (event.kind === 'entry' && event.file.path === filePath && !byStart.has(event.entry.span.start)) {
          byStart.set(event.entry.span.start, { entry: event.entry, section: event.section });
        }
      }
      entries = [...byStart.values()].sort((a, b) => a.entry.span.start - b.entry.span.start);
      this.entriesByFile.set(filePath, entries);
    }
    // The last entry starting at or before the offset.
    let low = 0;
    let high = entries.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (entries[middle].entry.span.start <= offset) low = middle;
      else high = middle - 1;
    }
    const candidate = entries[low];
    const found =
      candidate && candidate.entry.span.start <= offset && offset <= candidate.entry.span.end
        ? candidate
        : undefined;
    if (!found || found.section === null) return null;
    const section = found.section as SectionName;
    if (section === 'pgbouncer') {
      // Names from the catalog are ours, not the file's: they may be shown.
      const known = setting('pgbouncer', found.entry.key.text);
      return known ? `setting ${known.name} in [pgbouncer]` : 'a [pgbouncer] line';
    }
    return `a [${section}] entry`;
  }
}

/** Runs of letters, digits and the characters names are made of; the unit foreign words are matched in. */
const WORD = /[\p{L}\p{N}_$.\-/@]+/gu;
const EDGE_PUNCTUATION = /^[.\-/]+|[.\-/]+$/g;
/** Words shorter than this are not hidden: they are too common to say anything ("db", "1"). */
const MIN_FOREIGN_WORD = 3;

let catalogWords: ReadonlySet<string> | null = null;

/** Words of our own: setting, section and parameter names and enum values, which may always be shown. */
function ourWords(): ReadonlySet<string> {
  if (!catalogWords) {
    const words = new Set<string>();
    for (const known of allSettings()) {
      words.add(known.name.toLowerCase());
      for (const value of known.values ?? []) words.add(value.name.toLowerCase());
    }
    for (const section of allSections()) words.add(section.name.toLowerCase());
    catalogWords = words;
  }
  return catalogWords;
}

function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0].replace(EDGE_PUNCTUATION, '');
    if (word.length >= MIN_FOREIGN_WORD) words.push(word);
  }
  return words;
}

/**
 * The words written in included files (names, values, section headers) that the main file does not
 * have and that are not ours: a finding about the main file that names a database defined in an
 * include ("database app_billing and 2 more") shows them as [included] instead.
 */
class ForeignWords {
  private readonly words = new Set<string>();

  constructor(model: ConfigModel) {
    const rootWords = new Set(wordsOf(model.root.parsed.text));
    const ours = ourWords();
    const seen = new Set<string>();
    for (const file of model.files) {
      if (file.path === model.root.path || seen.has(file.path)) continue;
      seen.add(file.path);
      for (const item of file.parsed.items) {
        const texts =
          item.kind === 'entry'
            ? [item.key.text, item.value.text]
            : item.kind === 'section'
              ? [item.name]
              : [];
        for (const text of texts) {
          for (const word of wordsOf(text)) {
            if (/^[\d.-]+$/.test(word) || rootWords.has(word) || ours.has(word.toLowerCase())) continue;
            this.words.add(word);
          }
        }
      }
    }
  }

  get empty(): boolean {
    return this.words.size === 0;
  }

  hide(text: string): string {
    return text.replace(WORD, (run) => {
      const word = run.replace(EDGE_PUNCTUATION, '');
      return this.words.has(word) ? run.replace(word, '[included]') : run;
    });
  }
}

export interface DisclosureOptions {
  /** The kind of problem of each id, shown instead of the message of a finding in another file. */
  titleOf: (code: string) => string | undefined;
}

/**
 * Findings as they may be shown: messages, related information and fix titles of findings in other
 * files than the main one replaced by what kind of problem is on which line; secrets masked in all.
 */
export function discloseFindings(
  findings: readonly Finding[],
  model: ConfigModel,
  redactor: Redactor,
  options: DisclosureOptions,
): Finding[] {
  const rootPath = model.root.path;
  const places = new IncludedPlaces(model);
  const foreign = model.files.length > 1 ? new ForeignWords(model) : null;
  const show = (text: string): string => {
    const masked = redactor.redact(text);
    return foreign && !foreign.empty ? foreign.hide(masked) : masked;
  };
  const describe = (file: string, offset: number, code: string): string => {
    const line = places.lineOf(file, offset);
    const subject = places.subjectAt(file, offset);
    const title = options.titleOf(code) ?? code;
    const where = `${path.basename(file)}${line === null ? '' : `, line ${line}`}`;
    return `${title} (${where}${subject ? `, ${subject}` : ''}). Text from ${path.basename(file)} is not shown: it is not the file being checked.`;
  };
  const relatedOut = (info: RelatedInfo, code: string): RelatedInfo =>
    info.file === rootPath
      ? { ...info, message: show(info.message) }
      : { ...info, message: describeRelated(info, code) };
  const describeRelated = (info: RelatedInfo, code: string): string => {
    const line = places.lineOf(info.file, info.span.start);
    return `${options.titleOf(code) ?? code}: ${path.basename(info.file)}${line === null ? '' : `, line ${line}`}`;
  };
  // A fix that edits only the main file is about it, wherever its finding is.
  const fixOut = (fix: Fix, code: string): Fix => ({
    ...fix,
    title: fix.edits.every((edit) => edit.file === rootPath)
      ? show(fix.title)
      : `${options.titleOf(code) ?? code}: a fix in an included file`,
  });

  return findings.map((finding) => {
    const inRoot = finding.file === rootPath;
    const message = inRoot ? show(finding.message) : describe(finding.file, finding.span.start, finding.code);
    const related = finding.related?.map((info) => relatedOut(info, finding.code));
    const fixes = finding.fixes?.map((fix) => fixOut(fix, finding.code));
    const unchanged =
      message === finding.message &&
      (related ?? []).every((info, i) => info.message === finding.related?.[i].message) &&
      (fixes ?? []).every((fix, i) => fix.title === finding.fixes?.[i].title);
    if (unchanged) return finding;
    const out: Finding = { ...finding, message };
    if (related) out.related = related;
    if (fixes) out.fixes = fixes;
    return out;
  });
}
