// Suppression comments, on lines of their own (PgBouncer has no other comments):
//   ; pgbouncer-lint: disable-next-line [id ...]   the next line only
//   ; pgbouncer-lint: disable [id ...]             from here on, until a matching enable
//   ; pgbouncer-lint: enable [id ...]
// No ids means every rule. Unknown ids and suppressions that hide nothing are reported.

import type { ConfigModel, LoadedFile } from '../model/config';
import { lineSpan } from '../findings/fix';
import type { Comment, Span } from '../syntax/syntax';
import type { Finding } from '../findings/finding';

const DIRECTIVE = /^[;#]\s*pgbouncer-lint:\s*(disable-next-line|disable|enable)\b(.*)$/;

interface Directive {
  kind: 'disable-next-line' | 'disable' | 'enable';
  /** Empty: every rule. */
  ids: string[];
  line: number;
  file: LoadedFile;
  span: Span;
  used: boolean;
}

/** Findings that can never be suppressed: PgBouncer refuses to start, hiding it helps nobody. */
function suppressible(finding: Finding): boolean {
  return finding.severity !== 'error';
}

function directivesOf(file: LoadedFile): Directive[] {
  const directives: Directive[] = [];
  for (const item of file.parsed.items) {
    if (item.kind !== 'comment') continue;
    const match = DIRECTIVE.exec((item as Comment).text);
    if (!match) continue;
    // Text after "--" is a reason, as in ESLint: "disable-next-line some-rule -- we know".
    const body = match[2];
    const reasonAt = body.indexOf('--');
    const ids = (reasonAt === -1 ? body : body.slice(0, reasonAt)).split(/[\s,]+/).filter((id) => id !== '');
    directives.push({
      kind: match[1] as Directive['kind'],
      ids,
      line: file.parsed.lineIndex.positionAt(item.span.start).line,
      file,
      span: item.span,
      used: false,
    });
  }
  return directives;
}

function covers(directive: Directive, code: string): boolean {
  return directive.ids.length === 0 || directive.ids.includes(code);
}

/**
 * Removes suppressed findings and adds findings about the directives themselves:
 * unknown ids (warning) and directives that suppressed nothing (information).
 */
export function applySuppressions(
  findings: Finding[],
  model: ConfigModel,
  knownIds: ReadonlySet<string>,
): Finding[] {
  const byPath = new Map<string, Directive[]>();
  const files = new Map<string, LoadedFile>();
  for (const file of model.files) {
    if (files.has(file.path)) continue;
    files.set(file.path, file);
    const directives = directivesOf(file);
    if (directives.length > 0) byPath.set(file.path, directives);
  }
  if (byPath.size === 0) return findings;

  const kept: Finding[] = [];
  for (const finding of findings) {
    const directives = byPath.get(finding.file);
    const file = files.get(finding.file);
    if (!directives || !file || !suppressible(finding)) {
      kept.push(finding);
      continue;
    }
    const line = file.parsed.lineIndex.positionAt(finding.span.start).line;
    let hidden: Directive | null = null;
    // disable/enable: the last matching directive above the line decides.
    let state: Directive | null = null;
    for (const directive of directives) {
      if (directive.line >= line) break;
      if (directive.kind === 'disable-next-line') continue;
      if (covers(directive, finding.code)) state = directive.kind === 'disable' ? directive : null;
    }
    if (state) hidden = state;
    for (const directive of directives) {
      if (
        directive.kind === 'disable-next-line' &&
        directive.line === line - 1 &&
        covers(directive, finding.code)
      ) {
        hidden = directive;
      }
    }
    if (hidden) hidden.used = true;
    else kept.push(finding);
  }

  for (const directives of byPath.values()) {
    for (const directive of directives) {
      const unknown = directive.ids.filter((id) => !knownIds.has(id));
      if (unknown.length > 0) {
        kept.push({
          code: 'unknown-rule',
          severity: 'warning',
          message: `Unknown rule ${unknown.map((id) => `'${id}'`).join(', ')} in a pgbouncer-lint comment.`,
          file: directive.file.path,
          span: directive.span,
        });
      }
      if (
        !directive.used &&
        directive.kind !== 'enable' &&
        unknown.length < Math.max(1, directive.ids.length)
      ) {
        kept.push({
          code: 'unused-suppression',
          severity: 'information',
          message: `This pgbouncer-lint ${directive.kind} comment suppresses nothing; remove it.`,
          file: directive.file.path,
          span: directive.span,
          tags: ['unnecessary'],
          fixes: [
            {
              title: 'Remove the unused pgbouncer-lint comment',
              kind: 'safe',
              // "Suppresses nothing" rests on every finding: an error anywhere may hide the one it is for.
              dependsOn: ['*'],
              edits: [
                {
                  file: directive.file.path,
                  span: lineSpan(directive.file.parsed.text, directive.span.start),
                  newText: '',
                },
              ],
            },
          ],
        });
      }
    }
  }
  return kept;
}
