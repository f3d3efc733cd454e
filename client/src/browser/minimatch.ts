// The web client's stand-in for the `minimatch` package, which vscode-languageclient imports to match
// document-selector patterns, notebook filters and file-operation globs. This extension registers
// none of them (its selectors are languages), so the 29 KB package would only weigh on the web
// bundle's 1 MB budget; esbuild.mjs puts this in its place there. It still matches what it is given
// as minimatch does for the glob forms an LSP server may send (`*`, `?`, `**`, `[...]`, `{a,b}`,
// `\` escapes, leading `!` and `#`; no extglobs, which LSP globs do not have) on the normalised paths
// the client gives it (Uri.fsPath), checked against the real package in
// test/unit/browser-minimatch.test.ts. The desktop bundles keep the real package.

export interface MinimatchOptions {
  dot?: boolean;
  nocase?: boolean;
  /** Accepted as the package takes it; extglobs are not read either way. */
  noext?: boolean;
}

const GLOBSTAR = Symbol('**');
type PatternPart = string | RegExp | typeof GLOBSTAR;

/** The parts of minimatch's Minimatch that vscode-languageclient uses: `makeRe` and `match`. */
export class Minimatch {
  private readonly alternatives: PatternPart[][] | undefined;
  private readonly negated: boolean;
  private readonly comment: boolean;
  private readonly empty: boolean;

  constructor(
    pattern: string,
    private readonly options: MinimatchOptions = {},
  ) {
    let negations = 0;
    while (pattern[negations] === '!') negations++;
    this.negated = negations % 2 === 1;
    const body = pattern.slice(negations);
    this.comment = negations === 0 && body.startsWith('#');
    this.empty = body === '';
    try {
      this.alternatives = expandBraces(body).map((alternative) => compile(alternative, options));
    } catch {
      this.alternatives = undefined; // a part RegExp cannot hold
    }
  }

  /** Whether the pattern is usable (minimatch: a RegExp, or false); match() is what decides a path. */
  makeRe(): RegExp | false {
    if (this.comment || this.empty || !this.alternatives) return false;
    const source = this.alternatives.map((parts) =>
      parts
        .map((part) => (part === GLOBSTAR ? '.*' : typeof part === 'string' ? escape(part) : part.source))
        .join('/'),
    );
    return new RegExp(`^(?:${source.join('|')})$`, this.options.nocase ? 'i' : '');
  }

  match(path: string): boolean {
    if (this.comment) return false;
    if (this.empty) return path === '';
    if (!this.alternatives) return this.negated;
    const file = path.split(/\/+/); // minimatch reads `a//b` as `a/b`
    const matched = this.alternatives.some((parts) => this.matchParts(file, 0, parts, 0));
    return matched !== this.negated;
  }

  private matchParts(file: string[], fi: number, parts: PatternPart[], pi: number): boolean {
    for (; pi < parts.length && fi < file.length; pi++, fi++) {
      const part = parts[pi];
      if (part === GLOBSTAR) {
        // `**` takes any number of path parts, never `.` or `..`, and no dot part unless `dot`
        for (let take = fi; ; take++) {
          if (pi === parts.length - 1 ? take === file.length : this.matchParts(file, take, parts, pi + 1))
            return true;
          if (take === file.length || !this.swallows(file[take])) return false;
        }
      }
      if (!this.matchesPart(file[fi], part)) return false;
    }
    if (fi === file.length) return pi === parts.length;
    // the pattern ran out first: only a trailing slash may be left (`a/*` matches `a/b/`)
    return fi === file.length - 1 && file[fi] === '';
  }

  private swallows(part: string): boolean {
    return part !== '.' && part !== '..' && (this.options.dot === true || !part.startsWith('.'));
  }

  private matchesPart(name: string, part: string | RegExp): boolean {
    if (typeof part !== 'string') return part.test(name);
    return this.options.nocase ? name.toLowerCase() === part.toLowerCase() : name === part;
  }
}

/** Brace alternatives expanded, as minimatch does before matching: `a{b,c}d` is `abd` and `acd`. */
function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && depth > 0 && --depth === 0) {
      const head = pattern.slice(0, open);
      const tails = expandBraces(pattern.slice(i + 1));
      if (commas.length === 0) {
        // {x} without a comma stays literal in minimatch: go on after it
        return tails.map((tail) => `${pattern.slice(0, i + 1)}${tail}`);
      }
      const cuts = [open, ...commas, i];
      const alternatives = cuts.slice(1).flatMap((cut, k) => expandBraces(pattern.slice(cuts[k] + 1, cut)));
      return alternatives.flatMap((alternative) => tails.map((tail) => `${head}${alternative}${tail}`));
    }
  }
  return [pattern];
}

const SPECIAL = /[.+^${}()|[\]\\/*?]/g;

/** One brace alternative as its path parts: `**`, a literal name, or a RegExp for a name. */
function compile(pattern: string, options: MinimatchOptions): PatternPart[] {
  // empty parts inside the pattern are dropped, as minimatch does (`x//y` is `x/y`); `**/**` is `**`
  const split = pattern.split('/').filter((part, i, all) => part !== '' || i === 0 || i === all.length - 1);
  // `x/..` is dropped (unless x is `.`, `..` or `**`), as minimatch's default optimisation does
  const parts: string[] = [];
  for (const part of split) {
    const previous = parts[parts.length - 1];
    if (part === '..' && previous && previous !== '..' && previous !== '.' && previous !== '**') parts.pop();
    else parts.push(part);
  }
  if (parts.length === 0) parts.push('');
  const compiled: PatternPart[] = [];
  for (const part of parts) {
    if (part === '**') {
      if (compiled[compiled.length - 1] !== GLOBSTAR) compiled.push(GLOBSTAR);
      continue;
    }
    const source = segmentToSource(part, options);
    compiled.push(source.magic ? new RegExp(`^${source.text}$`, options.nocase ? 'i' : '') : source.text);
  }
  return compiled;
}

/** A name pattern as a RegExp source (`magic`), or the literal name it stands for. */
function segmentToSource(segment: string, options: MinimatchOptions): { text: string; magic: boolean } {
  let source = '';
  let literal = '';
  let magic = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) {
      literal += segment[++i];
      source += escape(segment[i]);
    } else if (c === '*') {
      // a lone `*` needs a character: it does not match an empty name
      if (!source.endsWith('[^/]*') && !source.endsWith('[^/]+'))
        source += /^\*+$/.test(segment) ? '[^/]+' : '[^/]*';
      magic = true;
    } else if (c === '?') {
      source += '[^/]';
      magic = true;
    } else if (c === '[' && classEnd(segment, i) !== -1) {
      const close = classEnd(segment, i);
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^/' : ''}${classBody(body)}]`;
      magic = true;
      i = close;
    } else {
      literal += c;
      source += escape(c);
    }
  }
  if (!magic) return { text: literal, magic };
  // a wildcard never makes `.` or `..` (unless a class asks for the dot), and takes no leading dot
  // unless `dot` or the pattern has one
  if (/^\[[^!^]/.test(segment) && explicitDot(segment)) return { text: source, magic };
  const noDot = options.dot || explicitDot(segment) ? '' : '(?!\\.)';
  return { text: `(?!\\.{1,2}$)${noDot}${source}`, magic };
}

/** Whether the name pattern asks for a leading dot itself: `.x`, `\\.x` or a class such as `[.]`. */
function explicitDot(segment: string): boolean {
  if (segment.startsWith('.') || segment.startsWith('\\.')) return true;
  const close = segment.startsWith('[') ? classEnd(segment, 0) : -1;
  return close !== -1 && !/^\[[!^]/.test(segment) && segment.slice(1, close).includes('.');
}

/** The `]` that closes the class opened at `open` (a `]` right after `[` or `[!` is a member), else -1. */
function classEnd(segment: string, open: number): number {
  let i = open + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  if (segment[i] === ']') i++;
  for (; i < segment.length; i++) {
    if (segment[i] === '\\') i++;
    else if (segment[i] === ']') return i;
  }
  return -1;
}

/** A class's members for a RegExp: glob escapes kept, `]`, `^` and `\\` escaped, ranges as they are. */
function classBody(body: string): string {
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] === '\\' && i + 1 < body.length ? body[++i] : body[i];
    source += c === ']' || c === '^' || c === '\\' || c === '[' ? `\\${c}` : c;
  }
  return source;
}

function escape(c: string): string {
  return c.replace(SPECIAL, '\\$&');
}
