// One string per text for the short texts thousands of entries share (parameter names, ports, pool
// sizes, host keys): memory for the values kept, and identity for the comparisons that want it.

const MAX_INTERNED = 20_000;
const MAX_LENGTH = 64;
const byText = new Map<string, string>();
/** Texts of up to four ASCII characters by their characters' code, found without making a string. */
const byCode = new Map<number, string>();

/** The shared string equal to `text` (texts too long, or past the table's size, come back as they are). */
export function intern(text: string): string {
  const known = byText.get(text);
  if (known !== undefined) return known;
  if (text.length <= MAX_LENGTH && byText.size < MAX_INTERNED) byText.set(text, text);
  return text;
}

/** intern(text.slice(start, end)), without the slice when the piece is short ASCII (a port, a pool size). */
export function internSlice(text: string, start: number, end: number): string {
  if (end - start > 4) return intern(text.slice(start, end));
  let code = end - start;
  for (let p = start; p < end; p++) {
    const ch = text.charCodeAt(p);
    if (ch >= 128) return intern(text.slice(start, end));
    code = code * 128 + ch;
  }
  let value = byCode.get(code);
  if (value === undefined) {
    value = intern(text.slice(start, end));
    if (byCode.size < MAX_INTERNED) byCode.set(code, value);
  }
  return value;
}

/**
 * The piece as a string of its own. A slice of a string refers to the whole string in V8: a piece
 * kept through later edits (a parsed item, a remembered message) would keep that edit's whole text
 * alive. Concatenation then slicing makes V8 copy the characters into a new, small string.
 */
export function detachedCopy(piece: string): string {
  return piece.length === 0 ? piece : ` ${piece}`.slice(1);
}
