// Hover: what a key, a value, a section header, a connection-string parameter or an %include
// means, with the audit advice that applies to the line. Found by a binary search over the
// root file's items; the text comes from the catalog (see hover-text.ts).

import { MarkupKind } from 'vscode-languageserver';
import type { Hover, HoverParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../analysis/engine';
import { describeProblem } from '../files/guarded-read';
import { MAX_INCLUDE_DEPTH } from '../model/config';
import type { Located } from '../model/effective';
import { parseConnString } from '../syntax/connstring';
import type { Entry, Include, SectionHeader, Span } from '../syntax/syntax';
import { GRAMMAR, sectionInfo, setting } from '../catalog/catalog';
import type { SectionName } from '../catalog/catalog';
import type { Settings } from '../settings';
import type { Finding } from '../findings/finding';
import { itemIndexAt, positionIndex, ruleFindingsOn } from './completion-index';
import type { PositionIndex } from './completion-index';
import { code, findingsMarkdown, sectionMarkdown, settingMarkdown, valueMeaning } from './hover-text';

export function hover(
  _document: TextDocument,
  analysis: LintResult,
  params: HoverParams,
  _settings: Settings,
): Hover | null {
  const index = positionIndex(analysis);
  const { lineIndex } = index.parsed;
  const offset = lineIndex.offsetAt(params.position);
  const i = itemIndexAt(index, offset);
  if (i < 0) return null;
  const item = index.items[i];
  if (offset > item.span.end) return null;
  switch (item.kind) {
    case 'section':
      return headerHover(index, i, item);
    case 'entry':
      return entryHover(index, i, item, offset);
    case 'include':
      return includeHover(index, item, offset);
    default:
      return null;
  }
}

function answer(index: PositionIndex, span: Span, parts: (string | null | undefined)[]): Hover | null {
  const value = parts.filter((part): part is string => !!part).join('\n\n---\n\n');
  if (value === '') return null;
  return { contents: { kind: MarkupKind.Markdown, value }, range: index.parsed.lineIndex.rangeOf(span) };
}

function lineOf(index: PositionIndex, offset: number): number {
  return index.parsed.lineIndex.positionAt(offset).line;
}

function where(index: PositionIndex, at: Located): string {
  const line = at.file.parsed.lineIndex.lineNumberAt(at.entry.key.span.start);
  return at.file === index.analysis.model.root ? `line ${line}` : `${at.file.path}:${line}`;
}

function headerHover(index: PositionIndex, i: number, header: SectionHeader): Hover | null {
  const { target } = index.analysis;
  const info = sectionInfo(header.name);
  const parts: (string | null)[] = [];
  if (info) {
    parts.push(sectionMarkdown(info, target));
    if (info.name === 'pgbouncer' && index.mainBlockBefore[i] > 0) {
      parts.push(
        'This is not the first `[pgbouncer]` header: every `[pgbouncer]` setting read above it is reset to its default here.',
      );
    }
  } else {
    parts.push(`${code(`[${header.name}]`)} is not a section PgBouncer knows.`);
  }
  parts.push(findingsMarkdown(ruleFindingsOn(index, lineOf(index, header.span.start))));
  return answer(index, header.span, parts);
}

function entryHover(index: PositionIndex, i: number, entry: Entry, offset: number): Hover | null {
  const section = index.sectionBefore[i];
  const lineFindings = ruleFindingsOn(index, lineOf(index, entry.span.start));
  if (section === 'pgbouncer') {
    if (offset <= entry.key.span.end) return mainKeyHover(index, entry, lineFindings);
    if (offset >= entry.value.span.start) return mainValueHover(index, entry, lineFindings);
    return null;
  }
  if (section === null || !sectionInfo(section) || sectionInfo(section)?.kind !== 'connection-strings')
    return null;
  if (offset <= entry.key.span.end) return entryNameHover(index, section as SectionName, entry, lineFindings);
  if (offset < entry.value.span.start) return null;
  return parameterHover(index, section as SectionName, entry, offset, lineFindings);
}

function mainKeyHover(index: PositionIndex, entry: Entry, findings: Finding[]): Hover | null {
  const { analysis } = index;
  const name = entry.key.text;
  const s = setting('pgbouncer', name);
  const parts: (string | null)[] = [];
  if (!s) {
    parts.push(`${code(name)} is not a \`[pgbouncer]\` setting PgBouncer knows.`);
  } else {
    parts.push(settingMarkdown(s, analysis.target));
    const inForce = analysis.effective.main.get(name);
    if (inForce && inForce.entry !== entry) {
      parts.push(`**Not in effect**: PgBouncer uses the value set again on ${where(index, inForce)}.`);
    } else if (!inForce) {
      parts.push('**Not in effect**: a later `[pgbouncer]` header resets it to the default.');
    }
  }
  parts.push(findingsMarkdown(findings));
  return answer(index, entry.key.span, parts);
}

function valueContext(index: PositionIndex) {
  const { analysis } = index;
  return {
    target: analysis.target,
    runDirectory: analysis.model.runDirectory,
    databases: analysis.effective.databases,
  };
}

function mainValueHover(index: PositionIndex, entry: Entry, findings: Finding[]): Hover | null {
  const s = setting('pgbouncer', entry.key.text);
  if (!s) return answer(index, entry.value.span, [findingsMarkdown(findings)]);
  const value = entry.value.text;
  const meaning = valueMeaning(s, value, false, valueContext(index));
  const parts: (string | null)[] = [];
  if (meaning.length === 0) {
    parts.push(settingMarkdown(s, index.analysis.target));
  } else {
    parts.push(`**${s.name}** = ${code(value)}`, meaning.join('\n\n'));
    if (s.docUrl) parts.push(`[PgBouncer documentation](${s.docUrl})`);
  }
  const span = entry.value.span.start === entry.value.span.end ? entry.span : entry.value.span;
  return answer(index, span, [parts.join('\n\n'), findingsMarkdown(findings)]);
}

function entryNameHover(
  index: PositionIndex,
  section: SectionName,
  entry: Entry,
  findings: Finding[],
): Hover | null {
  const { effective } = index.analysis;
  const name = entry.key.text;
  const parts: string[] = [];
  if (section === 'databases') {
    if (name === GRAMMAR.fallbackDatabaseName) {
      parts.push(
        `**Fallback database ${code(name)}**: clients asking for a database that has no entry of its own are connected with this connection string.`,
      );
    } else if (GRAMMAR.reservedDatabaseNames.includes(name)) {
      parts.push(
        `**${code(name)}** is the admin console's database; PgBouncer refuses an entry with this name.`,
      );
    } else {
      parts.push(
        `**Database ${code(name)}**: clients connecting to ${code(name)} get this connection string.`,
      );
    }
    const inForce = effective.databases.get(name);
    if (inForce && inForce.at.entry !== entry) {
      parts.push(`**Not in effect**: defined again on ${where(index, inForce.at)}, which PgBouncer uses.`);
    }
  } else if (section === 'users') {
    parts.push(`**User ${code(name)}**: these settings apply to every pool of this user.`);
    const inForce = effective.users.get(name);
    if (inForce && inForce.at.entry !== entry) {
      parts.push(`**Not in effect**: listed again on ${where(index, inForce.at)}, which PgBouncer uses.`);
    }
  } else {
    parts.push(`**Peer ${code(name)}**: the PgBouncer process whose \`peer_id\` is ${name}.`);
  }
  return answer(index, entry.key.span, [parts.join('\n\n'), findingsMarkdown(findings)]);
}

function parameterHover(
  index: PositionIndex,
  section: SectionName,
  entry: Entry,
  offset: number,
  lineFindings: Finding[],
): Hover | null {
  const param = parseConnString(entry.value.text, entry.value.span.start).params.find(
    (p) => p.keySpan.start <= offset && offset <= p.valueSpan.end,
  );
  if (!param) return null;
  const findings = lineFindings.filter(
    (f) => f.span.start < param.valueSpan.end && f.span.end > param.keySpan.start,
  );
  const s = setting(section, param.key);
  const onKey = offset <= param.keySpan.end;
  if (!s) {
    return answer(index, onKey ? param.keySpan : param.valueSpan, [
      `${code(param.key)} is not a \`[${section}]\` parameter PgBouncer knows.`,
      findingsMarkdown(findings),
    ]);
  }
  if (onKey)
    return answer(index, param.keySpan, [
      settingMarkdown(s, index.analysis.target),
      findingsMarkdown(findings),
    ]);
  if (offset < param.valueSpan.start) return null;
  const meaning = valueMeaning(s, param.value, true, valueContext(index));
  const parts =
    meaning.length === 0
      ? [settingMarkdown(s, index.analysis.target)]
      : [
          `**${s.name}** = ${code(param.value)}`,
          meaning.join('\n\n'),
          s.docUrl ? `[PgBouncer documentation](${s.docUrl})` : '',
        ];
  return answer(index, param.valueSpan, [parts.filter(Boolean).join('\n\n'), findingsMarkdown(findings)]);
}

function includeHover(index: PositionIndex, include: Include, offset: number): Hover | null {
  const { model } = index.analysis;
  if (offset < include.pathSpan.start) {
    return answer(index, include.keywordSpan, [
      `**%include**: reads another file at this point, as if its lines were written here; the section in force carries over into it and back. A relative name is taken from the directory PgBouncer runs in (${code(model.runDirectory)}), and includes may nest ${MAX_INCLUDE_DEPTH} levels deep.`,
    ]);
  }
  const event = index.includes.get(include);
  if (!event) return null;
  const lines = [`**%include** ${code(include.path)}`];
  if (event.resolvedPath !== '') {
    lines.push(
      `Resolves to ${code(event.resolvedPath)}${include.path.startsWith('/') ? '' : ` (relative to ${code(model.runDirectory)})`}.`,
    );
  }
  const problem = event.problem;
  if (!problem) lines.push('The file exists and is read here.');
  else if (problem.kind === 'unreadable')
    lines.push(`It cannot be read: ${describeProblem(problem.problem)}.`);
  else if (problem.kind === 'directory')
    lines.push('It is a directory, which PgBouncer reads as an empty file.');
  else if (problem.kind === 'too-deep') {
    lines.push(
      `Includes are nested more than ${MAX_INCLUDE_DEPTH} levels deep here: PgBouncer does not read it.`,
    );
  } else if (problem.kind === 'not-followed') {
    lines.push(
      problem.reason === 'stopped'
        ? 'PgBouncer has already stopped at an include nested too deep above, so this one is not read.'
        : problem.reason === 'budget'
          ? 'The linter has read as much as one analysis may before this line, so this one is not read.'
          : 'There are more than 1,000 inclusions in this configuration; this one is not followed.',
    );
  } else lines.push('No file name is given.');
  return answer(index, include.pathSpan, [lines.join('\n\n')]);
}
