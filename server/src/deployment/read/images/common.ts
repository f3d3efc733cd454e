// What the PgBouncer images' entrypoints produce, and the small helpers both models share: the
// environment as the container's shell sees it (the last variable of a name wins, an empty value
// counts as unset for `${X:-…}` and `${X:+…}`), and a builder that keeps, for every piece of the
// generated text, the variable it came from.

import type { EnvVar } from '../types';

/** Where a piece of a generated line came from: offsets into GeneratedConfig.text (or the userlist's). */
export interface ValueSource {
  /** 0-based line of the generated text. */
  line: number;
  start: number;
  end: number;
  source: EnvVar;
}

/** Something that makes the image's entrypoint stop before PgBouncer starts. */
export interface StartupError {
  /** Says what is wrong without quoting a value (it may be a password). */
  message: string;
  /** The variable at fault, when there is one. */
  cause?: EnvVar;
}

export interface GeneratedFile {
  path: string;
  text: string;
  /** Per line of text: the variable it came from; undefined for lines the image writes itself. */
  lineSources: (EnvVar | undefined)[];
  /** The pieces of lines that came from variables (a line may hold several). */
  valueSources: ValueSource[];
}

export interface GeneratedConfig {
  /** Where the image writes it. */
  iniPath: string;
  /** The complete pgbouncer.ini. */
  text: string;
  lineSources: (EnvVar | undefined)[];
  valueSources: ValueSource[];
  /** The port PgBouncer listens on inside the container. */
  listenPort: number;
  /** The auth_file as the image leaves it; undefined when a mounted file is used as it is. */
  userlist?: GeneratedFile;
  /** Extra command-line flags for pgbouncer (bitnami PGBOUNCER_EXTRA_FLAGS). */
  extraFlags?: { text: string; source: EnvVar };
  /** Reasons the entrypoint exits instead of starting PgBouncer. */
  startupErrors: StartupError[];
  /** What we could not model (never a value from the environment). */
  notes: string[];
  /** The upstream file and commit the model follows. */
  modelledOn: string;
}

/** The environment as the entrypoint reads it. */
export class Environment {
  private readonly vars = new Map<string, EnvVar>();

  constructor(env: readonly EnvVar[]) {
    for (const variable of env) this.vars.set(variable.name, variable);
  }

  /** The value, '' when unset. */
  text(name: string): string {
    return this.vars.get(name)?.value.text ?? '';
  }

  /** The variable when it is set to something not empty (what `${X:+…}` and `${X:-…}` test). */
  nonEmpty(name: string): EnvVar | undefined {
    const variable = this.vars.get(name);
    return variable && variable.value.text !== '' ? variable : undefined;
  }

  /** The variable when it is set at all, even to '' (what `${X+x}` tests). */
  set(name: string): EnvVar | undefined {
    return this.vars.get(name);
  }
}

/** A piece of generated text and the variable it came from. */
export interface Piece {
  text: string;
  source?: EnvVar;
}

/**
 * Joins pieces into a file and says, per line, where it came from: a line's source is the first
 * variable that contributed to it.
 */
export function assemble(pieces: readonly Piece[]): Omit<GeneratedFile, 'path'> {
  let text = '';
  const lineSources: (EnvVar | undefined)[] = [];
  const valueSources: ValueSource[] = [];
  let line = 0;
  for (const piece of pieces) {
    let offset = 0;
    for (;;) {
      const newline = piece.text.indexOf('\n', offset);
      const end = newline < 0 ? piece.text.length : newline;
      if (piece.source && end > offset) {
        const start = text.length + offset;
        valueSources.push({ line, start, end: start + end - offset, source: piece.source });
        lineSources[line] ??= piece.source;
      }
      if (newline < 0) break;
      line++;
      offset = newline + 1;
    }
    text += piece.text;
  }
  const lines = text === '' || text.endsWith('\n') ? line : line + 1;
  return { text, lineSources: Array.from({ length: lines }, (_, i) => lineSources[i]), valueSources };
}

/** PgBouncer reads listen_port as a number; the image's default when the text is not one. */
export function portOf(text: string, fallback: number, notes: string[], what: string): number {
  const match = /^\s*(\d{1,9})/.exec(text);
  if (!match) {
    if (text.trim() !== '') notes.push(`${what} is not a number: the listen port is taken as ${fallback}.`);
    return fallback;
  }
  return Number(match[1]);
}
