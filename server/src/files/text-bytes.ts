// Lengths and prefixes in the file's own bytes. Text read by text-codec.ts keeps each byte that is
// not UTF-8 as a lone U+DC80..U+DCFF, which stands for one byte (a Latin-1 'é' is one byte to
// PgBouncer, not the three of U+FFFD); everything else counts as its UTF-8 encoding.

import { encodeText } from './text-codec';

/** The number of bytes encodeText(text) writes, without writing them. */
export function byteLengthOf(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (unit >= 0xdc80 && unit <= 0xdcff) bytes += 1;
    else bytes += 3;
  }
  return bytes;
}

/** The bytes of a text as PgBouncer has them in the file. */
export function bytesOf(text: string): Uint8Array {
  return encodeText(text);
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
