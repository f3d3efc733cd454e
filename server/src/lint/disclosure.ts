// What findings may show. Output goes to places the files' readers are not: CI logs, SARIF uploaded to
// a public code-scanning page, an audit report pasted into a ticket. So, after the analysis:
//   - a finding located in a file the user did not hand to the linter (an %include, a file found next
//     to it) says what kind of problem is where, never the text there: an `%include .env` in
//     [databases] or a PEM key read as settings would otherwise be printed line by line;
//   - everything shown, findings about the open file included, has secrets masked: password values of
//     connection strings (wherever they were read), the password part of URLs, SCRAM and MD5 secrets
//     and key material.

import * as path from 'node:path';
import type { Fix } from './edits';
import { connStringOf, paramCount, paramKeyAt, paramValueAt } from '../parser/connstring';
import type { ConfigModel, LoadedFile } from '../model/config';
import type { Entry } from '../parser/syntax';
import { setting } from '../schema/catalog';
import type { SectionName } from '../schema/catalog';
import type { Finding, RelatedInfo } from '../validation/checks';

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
  [/[A-Za-z0-9+/]{40,}={0,2}/g, '[key material]'],
];

/** One cheap test before the patterns: most messages hold none of their markers. */
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
    if (!MIGHT_HOLD_SECRET.test(out)) return out;
    for (const [pattern, replacement] of SECRET_PATTERNS) {
      out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
    }
    return out;
  }
}

/** Every password= value in the connection strings the configuration reads, in any file. */
export function knownSecrets(model: ConfigModel): Set<string> {
  const secrets = new Set<string>();
  for (const event of model.events) {
    if (event.kind !== 'entry') continue;
    if (event.section !== 'databases' && event.section !== 'users' && event.section !== 'peers') continue;
    // Cheap test first: most entries have no password at all.
    if (!/password/i.test(event.entry.value.text)) continue;
    const connString = connStringOf(event.file.parsed, event.entry);
    for (let i = 0; i < paramCount(connString); i++) {
      if (paramKeyAt(connString, i).toLowerCase() === 'password') {
        const value = paramValueAt(connString, i);
        if (value !== '') secrets.add(value);
      }
    }
  }
  return secrets;
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
    return file ? file.parsed.lineIndex.positionAt(offset).line + 1 : null;
  }

  /** "setting client_idle_timeout in [pgbouncer]", "a [databases] entry", or null. */
  subjectAt(filePath: string, offset: number): string | null {
    let entries = this.entriesByFile.get(filePath);
    if (!entries) {
      entries = [];
      for (const event of this.model.events) {
        if (event.kind === 'entry' && event.file.path === filePath) {
          entries.push({ entry: event.entry, section: event.section });
        }
      }
      this.entriesByFile.set(filePath, entries);
    }
    const found = entries.find(({ entry }) => entry.span.start <= offset && offset <= entry.span.end);
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
  const describe = (file: string, offset: number, code: string): string => {
    const line = places.lineOf(file, offset);
    const subject = places.subjectAt(file, offset);
    const title = options.titleOf(code) ?? code;
    const where = `${path.basename(file)}${line === null ? '' : `, line ${line}`}`;
    return `${title} (${where}${subject ? `, ${subject}` : ''}). Text from ${path.basename(file)} is not shown: it is not the file being checked.`;
  };
  const relatedOut = (info: RelatedInfo, code: string): RelatedInfo =>
    info.file === rootPath
      ? { ...info, message: redactor.redact(info.message) }
      : { ...info, message: describeRelated(info, code) };
  const describeRelated = (info: RelatedInfo, code: string): string => {
    const line = places.lineOf(info.file, info.span.start);
    return `${options.titleOf(code) ?? code}: ${path.basename(info.file)}${line === null ? '' : `, line ${line}`}`;
  };
  const fixOut = (fix: Fix): Fix => ({ ...fix, title: redactor.redact(fix.title) });

  return findings.map((finding) => {
    const inRoot = finding.file === rootPath;
    const message = inRoot
      ? redactor.redact(finding.message)
      : describe(finding.file, finding.span.start, finding.code);
    const related = finding.related?.map((info) => relatedOut(info, finding.code));
    const fixes = finding.fixes?.map(fixOut);
    const unchanged =
      message === finding.message &&
      (related ?? []).every((info, i) => info.message === finding.related![i].message) &&
      (fixes ?? []).every((fix, i) => fix.title === finding.fixes![i].title);
    if (unchanged) return finding;
    const out: Finding = { ...finding, message };
    if (related) out.related = related;
    if (fixes) out.fixes = fixes;
    return out;
  });
}
