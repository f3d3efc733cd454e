// One string per text for the short texts thousands of entries share (parameter names, ports, pool
// sizes, host keys): memory for the values kept, and identity for the comparisons that want it.

const MAX_INTERNED = 20_000;
const MAX_LENGTH = 64;
const table = new Map<string, string>();

/** The shared string equal to `text` (texts too long, or past the table's size, come back as they are). */
export function intern(text: string): string {
  const known = table.get(text);
  if (known !== undefined) return known;
  if (text.length <= MAX_LENGTH && table.size < MAX_INTERNED) table.set(text, text);
  return text;
}
