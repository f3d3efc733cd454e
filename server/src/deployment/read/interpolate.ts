// Compose's variable substitution, as the Compose specification (12-interpolation.md) and Compose
// v2's reader (compose-go template/template.go) do it: `$$` is a literal `$`, `$NAME` and `${NAME}`
// substitute, `${NAME:-d}` `${NAME-d}` `${NAME:?e}` `${NAME?e}` `${NAME:+a}` `${NAME+a}` take a
// default, an error or an alternative, which are themselves interpolated (nesting). A `$` that does
// not start a valid reference stays as written. Names are [_a-zA-Z][_a-zA-Z0-9]*.

export interface Interpolated {
  text: string;
  /** Why the text is not what Compose would accept (an invalid `${`, a required variable missing). */
  problems: string[];
  /** Every variable name the text looked up, in order, once each. */
  used: string[];
  /** Names substituted by an empty string because they are not set and had no default (Compose warns). */
  unset: string[];
}

/** Nesting deeper than this is not followed (defaults inside defaults inside ...). */
const MAX_DEPTH = 16;

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

interface State {
  lookup: (name: string) => string | undefined;
  problems: string[];
  used: string[];
  unset: string[];
}

export function interpolate(text: string, lookup: (name: string) => string | undefined): Interpolated {
  const state: State = { lookup, problems: [], used: [], unset: [] };
  const result = substitute(text, state, 0);
  return { text: result, problems: state.problems, used: state.used, unset: state.unset };
}

function look(state: State, name: string): string | undefined {
  if (!state.used.includes(name)) state.used.push(name);
  return state.lookup(name);
}

/**
 * The offset of the `}` that closes the `${` at `start`, or -1. Like compose-go's
 * getFirstBraceClosingIndex: every `{` opens one more level (and the character after it is passed over).
 */
function closingBrace(text: string, start: number): number {
  let open = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '}') {
      open--;
      if (open === 0) return i;
    } else if (c === '{') {
      open++;
      i++;
    }
  }
  return -1;
}

function substitute(text: string, state: State, depth: number): string {
  if (depth > MAX_DEPTH) {
    state.problems.push('Interpolation is nested too deeply to follow');
    return text;
  }
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = i + 2;
      while (end < text.length && NAME_CHAR.test(text[end] as string)) end++;
      const name = text.slice(i + 1, end);
      out += plain(state, name);
      i = end;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(text, i);
      const inner = close < 0 ? undefined : text.slice(i + 2, close);
      const value = inner === undefined ? undefined : braced(inner, state, depth);
      if (value === undefined) {
        // Compose refuses the whole file here ("Invalid template"); the text is kept as written.
        state.problems.push(
          close < 0
            ? 'Invalid interpolation: "${" is not closed by "}"'
            : 'Invalid interpolation: "${" must be followed by a variable name and an optional :-, -, :?, ?, :+ or +',
        );
        out += '${';
        i += 2;
        continue;
      }
      out += value;
      i = close + 1;
      continue;
    }
    // Not a reference (`$1`, `$ `, a `$` at the end): kept as written.
    out += c;
    i++;
  }
  return out;
}

function plain(state: State, name: string): string {
  const value = look(state, name);
  if (value === undefined) {
    if (!state.unset.includes(name)) state.unset.push(name);
    return '';
  }
  return value;
}

/** The value of `${inner}`, or undefined when inner is not a valid reference. */
function braced(inner: string, state: State, depth: number): string | undefined {
  if (!NAME_START.test(inner[0] ?? '')) return undefined;
  let end = 1;
  while (end < inner.length && NAME_CHAR.test(inner[end] as string)) end++;
  const name = inner.slice(0, end);
  if (end === inner.length) return plain(state, name);
  const rest = inner.slice(end);
  const operator = ([':-', ':?', ':+', '-', '?', '+'] as Operator[]).find((op) => rest.startsWith(op));
  if (operator === undefined) return undefined;
  const argument = rest.slice(operator.length);
  const value = look(state, name);
  const colon = operator.startsWith(':');
  const missing = value === undefined || (colon && value === '');
  switch (operator) {
    case ':-':
    case '-':
      return missing ? substitute(argument, state, depth + 1) : (value as string);
    case ':?':
    case '?': {
      if (!missing) return value as string;
      // The message as written, not interpolated: an interpolated one could carry another variable's value.
      const reason = argument;
      state.problems.push(
        reason === ''
          ? `Required variable ${name} is missing a value`
          : `Required variable ${name} is missing a value: ${reason}`,
      );
      return '';
    }
    case ':+':
    case '+':
      return missing ? (value ?? '') : substitute(argument, state, depth + 1);
  }
}
