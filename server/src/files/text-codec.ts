// Lossless text for bytes that may not be UTF-8. A pgbouncer.ini is bytes to PgBouncer: a Latin-1
// comment or a stray NUL is fine there, and `--fix` must write such bytes back unchanged. Valid UTF-8
// decodes as usual; each byte that is not part of a valid sequence becomes a lone low surrogate
// U+DC80..U+DCFF (Python's "surrogateescape"), which valid UTF-8 can never produce, so encoding maps it
// back to the same byte. decode and encode are inverse: encode(decode(b)) equals b for every b.

const ESCAPE_BASE = 0xdc00;
/** Throws on invalid UTF-8; keeps a byte order mark as U+FEFF, as the file has it. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as text; invalid UTF-8 bytes become U+DC80..U+DCFF. */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // not valid UTF-8: decoded byte by byte below
  }
  const parts: string[] = [];
  let chunk: number[] = [];
  const flush = (): void => {
    if (chunk.length > 0) parts.push(String.fromCharCode(...chunk));
    chunk = [];
  };
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      chunk.push(ESCAPE_BASE + bytes[i]);
      i++;
    } else {
      const codePoint = decodeSequence(bytes, i, length);
      if (codePoint > 0xffff) {
        const offset = codePoint - 0x10000;
        chunk.push(0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff));
      } else chunk.push(codePoint);
      i += length;
    }
    if (chunk.length >= 8192) flush();
  }
  flush();
  return parts.join('');
}

/** Text as bytes: UTF-8, with U+DC80..U+DCFF written as the byte they stand for. */
export function encodeText(text: string): Uint8Array {
  if (!/[\udc80-\udcff]/.test(text)) return utf8(text);
  const buffers: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc80 || unit > 0xdcff) continue;
    // A low surrogate after a high one is half of a real character, not an escaped byte.
    if (i > 0 && isHighSurrogate(text.charCodeAt(i - 1))) continue;
    if (i > start) buffers.push(utf8(text.slice(start, i)));
    buffers.push(Uint8Array.of(unit - ESCAPE_BASE));
    start = i + 1;
  }
  if (start < text.length) buffers.push(utf8(text.slice(start)));
  const all = new Uint8Array(buffers.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of buffers) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** Length of the valid UTF-8 sequence at i (1..4), or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first < 0x80) return 1;
  const continuation = (k: number, low = 0x80, high = 0xbf): boolean =>
    i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first === 0xe0) return continuation(1, 0xa0) && continuation(2) ? 3 : 0;
  // 0xED 0xA0..0xBF would be a surrogate: not valid UTF-8.
  if (first === 0xed) return continuation(1, 0x80, 0x9f) && continuation(2) ? 3 : 0;
  if (first >= 0xe1 && first <= 0xef) return continuation(1) && continuation(2) ? 3 : 0;
  if (first === 0xf0) return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0;
  if (first >= 0xf1 && first <= 0xf3) return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
  if (first === 0xf4) return continuation(1, 0x80, 0x8f) && continuation(2) && continuation(3) ? 4 : 0;
  return 0;
}

function decodeSequence(bytes: Uint8Array, i: number, length: number): number {
  if (length === 1) return bytes[i];
  if (length === 2) return ((bytes[i] & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
  if (length === 3) return ((bytes[i] & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
  return (
    ((bytes[i] & 0x07) << 18) |
    ((bytes[i + 1] & 0x3f) << 12) |
    ((bytes[i + 2] & 0x3f) << 6) |
    (bytes[i + 3] & 0x3f)
  );
}
