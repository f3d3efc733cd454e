// Text output for people: `file:line:col: severity code: message`, one finding a line, then a summary.

import type { Severity } from '../findings/finding';
import { countBySeverity } from './diagnostics';
import type { CliDiagnostic } from './diagnostics';

export interface TextOptions {
  /** ANSI colours (see useColor). */
  color: boolean;
  /** How many FILE arguments were linted (for the summary). */
  fileCount: number;
  /** Only errors are shown (--quiet): the summary counts only them and is left out when there are none. */
  quiet?: boolean;
}

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  cyan: '\x1b[36m',
} as const;

const SEVERITY_STYLE: Record<Severity, string> = {
  error: SGR.bold + SGR.red,
  warning: SGR.yellow,
  information: SGR.blue,
  hint: SGR.cyan,
};

/**
 * Whether text output is coloured: never with --no-color; FORCE_COLOR decides when set (0 or false: off,
 * anything else: on); then NO_COLOR (any non-empty value: off); otherwise only on a terminal that is not
 * TERM=dumb.
 */
export function useColor(
  flag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** C0 controls but tab, DEL and C1 controls (\x9b is a one-byte CSI on some terminals). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** Control characters from a config file must not reach the terminal as escape sequences. */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, escapeControl);
}

/** Controls but tab and line feed. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS_IN_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** printable() for a document of several lines (the Markdown report): line breaks and tabs stay. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_CHARACTERS_IN_LINES, escapeControl);
}

function escapeControl(ch: string): string {
  return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function summaryLine(diagnostics: readonly CliDiagnostic[], fileCount: number, quiet = false): string {
  const files = plural(fileCount, 'file');
  if (diagnostics.length === 0) return `No problems found in ${files}.`;
  const counts = countBySeverity(diagnostics);
  const parts = [plural(counts.error, 'error')];
  if (!quiet) parts.push(plural(counts.warning, 'warning'));
  if (counts.information > 0) parts.push(`${counts.information} info`);
  if (counts.hint > 0) parts.push(plural(counts.hint, 'hint'));
  return `${parts.join(', ')} in ${files}`;
}

export function formatText(diagnostics: readonly CliDiagnostic[], options: TextOptions): string {
  const paint = (style: string, text: string) => (options.color ? `${style}${text}${SGR.reset}` : text);
  const lines = diagnostics.map(
    (d) =>
      `${printable(d.file)}:${d.line}:${d.column}: ${paint(SEVERITY_STYLE[d.severity], d.severity)} ${paint(SGR.dim, d.code)}: ${printable(d.message)}`,
  );
  if (options.quiet && diagnostics.length === 0) return '';
  const summary = summaryLine(diagnostics, options.fileCount, options.quiet);
  const counts = countBySeverity(diagnostics);
  const style =
    counts.error > 0 ? SGR.bold + SGR.red : counts.warning > 0 ? SGR.bold + SGR.yellow : SGR.green;
  if (lines.length > 0) lines.push('');
  lines.push(paint(style, summary));
  return lines.join('\n') + '\n';
}
