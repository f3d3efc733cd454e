// Every editor feature of the language server, called the way server.ts calls it, in one list: the
// fuzzer runs each of them at random positions of random documents. A new feature is one more
// entry in FEATURES. Also: checks that whatever a feature returns stays inside the document.

import type {
  CodeActionParams,
  CompletionParams,
  Diagnostic,
  FormattingOptions,
  HoverParams,
  Position,
  Range,
  ReferenceParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../../server/src/analysis/engine';
import { auditReport } from '../../server/src/features/auditReport';
import { codeActions, FIX_ALL_KIND } from '../../server/src/features/codeActions';
import { completion } from '../../server/src/features/completion';
import { diagnosticsOf } from '../../server/src/features/diagnostics';
import { formatDocument } from '../../server/src/features/formatting';
import { hover } from '../../server/src/features/hover';
import { inlayHints } from '../../server/src/features/inlayHints';
import { definition, prepareRename, references, rename } from '../../server/src/features/navigation';
import { documentLinks, documentSymbols, foldingRanges } from '../../server/src/features/structure';
import { USERLIST_LANGUAGE_ID, userlistDiagnostics } from '../../server/src/features/userlist';
import type { FileSystem } from '../../server/src/files/file-system';
import type { Settings } from '../../server/src/settings';

export interface FeatureContext {
  uri: string;
  /** File system path of the document (what findings name). */
  path: string;
  document: TextDocument;
  result: LintResult;
  settings: Settings;
  fileSystem: FileSystem;
  /** Where the cursor is; may be past the end of the document (clients do send that). */
  position: Position;
  /** A selection, possibly reversed or past the end. */
  range: Range;
  /** The diagnostics the server would publish for this result. */
  diagnostics: Diagnostic[];
  /** A name the user types into the rename box. */
  newName: string;
}

export interface FeatureCall {
  name: string;
  /** Takes a position or range (called at each random position); else called once per document. */
  positional: boolean;
  call(context: FeatureContext): unknown;
}

const FORMATTING: FormattingOptions = {
  tabSize: 4,
  insertSpaces: true,
  trimFinalNewlines: true,
  insertFinalNewline: true,
};

function touching(diagnostics: Diagnostic[], range: Range): Diagnostic[] {
  const [start, end] = before(range.start, range.end) ? [range.start, range.end] : [range.end, range.start];
  return diagnostics.filter((d) => before(d.range.start, end) && before(start, d.range.end));
}

function textDocumentPosition(c: FeatureContext): { textDocument: { uri: string }; position: Position } {
  return { textDocument: { uri: c.uri }, position: c.position };
}

/** The editor features, called with the arguments server.ts passes them. */
export const FEATURES: FeatureCall[] = [
  { name: 'diagnostics', positional: false, call: (c) => diagnosticsOf(c.result) },
  {
    name: 'completion',
    positional: true,
    call: (c) =>
      completion(
        c.document,
        c.result,
        { ...textDocumentPosition(c), context: { triggerKind: 1 } } as CompletionParams,
        c.settings,
      ),
  },
  {
    name: 'completion (trigger character)',
    positional: true,
    call: (c) =>
      completion(
        c.document,
        c.result,
        {
          ...textDocumentPosition(c),
          context: { triggerKind: 2, triggerCharacter: '=' },
        } as CompletionParams,
        c.settings,
      ),
  },
  {
    name: 'hover',
    positional: true,
    call: (c) => hover(c.document, c.result, textDocumentPosition(c) as HoverParams, c.settings),
  },
  { name: 'document symbols', positional: false, call: (c) => documentSymbols(c.result) },
  { name: 'folding ranges', positional: false, call: (c) => foldingRanges(c.result) },
  { name: 'document links', positional: false, call: (c) => documentLinks(c.result, c.fileSystem) },
  { name: 'definition', positional: true, call: (c) => definition(c.uri, c.result, c.position) },
  {
    name: 'references',
    positional: true,
    call: (c) =>
      references(c.uri, c.result, {
        ...textDocumentPosition(c),
        context: { includeDeclaration: true },
      } as ReferenceParams),
  },
  { name: 'prepare rename', positional: true, call: (c) => prepareRename(c.result, c.position) },
  { name: 'rename', positional: true, call: (c) => rename(c.uri, c.result, c.position, c.newName) },
  { name: 'inlay hints', positional: true, call: (c) => inlayHints(c.result, c.range, c.settings) },
  { name: 'formatting', positional: false, call: (c) => formatDocument(c.result, FORMATTING, c.settings) },
  {
    name: 'range formatting',
    positional: true,
    call: (c) => formatDocument(c.result, FORMATTING, c.settings, c.range),
  },
  {
    name: 'code actions',
    positional: true,
    call: (c) =>
      codeActions(c.uri, c.path, c.result, {
        textDocument: { uri: c.uri },
        range: c.range,
        // As editors do: the diagnostics that touch the range.
        context: { diagnostics: touching(c.diagnostics, c.range), only: ['quickfix', FIX_ALL_KIND] },
      } as CodeActionParams),
  },
  {
    name: 'audit report',
    positional: false,
    call: (c) => auditReport(c.uri, c.result, { settings: c.settings, fileSystem: c.fileSystem }),
  },
  {
    name: 'userlist diagnostics (same text as a userlist.txt)',
    positional: false,
    call: (c) =>
      userlistDiagnostics(
        TextDocument.create('untitled:userlist.txt', USERLIST_LANGUAGE_ID, 1, c.document.getText()),
        c.settings,
      ),
  },
];

// ---------------------------------------------------------------------------------------------
// Ranges inside the document

/** Line lengths as an editor counts them: \n, \r\n and a lone \r end a line. */
export function lineLengths(text: string): number[] {
  const lengths: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 || ch === 10) {
      lengths.push(i - start);
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lengths.push(text.length - start);
  return lengths;
}

function isPosition(value: unknown): value is Position {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Position).line === 'number' &&
    typeof (value as Position).character === 'number'
  );
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/**
 * Everything wrong with the positions in `value` (any feature's result): positions outside the
 * document, ranges that end before they start, folding lines past the end. Parts about another
 * document (an object with a different uri, or a WorkspaceEdit entry keyed by another uri) are
 * skipped: they point into other files.
 */
export function positionProblems(value: unknown, uri: string, text: string): string[] {
  const lengths = lineLengths(text);
  const problems: string[] = [];
  const seen = new Set<unknown>();
  const check = (position: Position, where: string): void => {
    const { line, character } = position;
    if (!Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0) {
      problems.push(`${where}: invalid position ${JSON.stringify(position)}`);
    } else if (line >= lengths.length) {
      problems.push(`${where}: line ${line} is past the last line (${lengths.length - 1})`);
    } else if (character > lengths[line]) {
      problems.push(`${where}: character ${character} is past the end of line ${line} (${lengths[line]})`);
    }
  };
  const walk = (node: unknown, where: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}[${i}]`));
      return;
    }
    const record = node as Record<string, unknown>;
    for (const key of ['uri', 'targetUri']) {
      if (typeof record[key] === 'string' && record[key] !== uri) return;
    }
    const textDocument = record.textDocument as { uri?: unknown } | undefined;
    if (textDocument && typeof textDocument.uri === 'string' && textDocument.uri !== uri) return;
    if (isPosition(node)) {
      check(node, where);
      return;
    }
    if (isPosition(record.start) && isPosition(record.end) && !before(record.start, record.end)) {
      problems.push(`${where}: range ends before it starts ${JSON.stringify(node)}`);
    }
    for (const key of ['startLine', 'endLine']) {
      const line = record[key];
      if (typeof line === 'number' && (line < 0 || line >= lengths.length)) {
        problems.push(`${where}.${key}: line ${line} is outside the document (${lengths.length} lines)`);
      }
    }
    for (const [key, child] of Object.entries(record)) {
      // WorkspaceEdit.changes is keyed by uri.
      if (key.includes(':') && key !== uri && /^[a-z][a-z0-9+.-]*:/i.test(key)) continue;
      walk(child, `${where}.${key}`);
    }
  };
  walk(value, '$');
  return problems;
}
