// The `Buffer` global in the web-worker build (esbuild `inject`): the few calls the engine makes
// (byte lengths, UTF-8, Latin-1 and base64 bytes of a string and back), on a Uint8Array.

type Encoding = 'utf8' | 'utf-8' | 'latin1' | 'binary' | 'base64' | 'hex';

const encoder = new TextEncoder();

function bytesOfString(text: string, encoding: Encoding = 'utf8'): Uint8Array {
  switch (encoding) {
    case 'latin1':
    case 'binary':
      return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
    case 'base64': {
      const binary = atob(text.replace(/[^A-Za-z0-9+/]/g, '').replace(/=+$/, ''));
      return Uint8Array.from(binary, (char) => char.charCodeAt(0));
    }
    case 'hex':
      return Uint8Array.from(text.match(/[\da-f]{2}/gi) ?? [], (pair) => parseInt(pair, 16));
    default:
      return encoder.encode(text);
  }
}

/** Bytes that print themselves as Node's Buffer does. */
class Bytes extends Uint8Array {
  override subarray(start?: number, end?: number): Bytes {
    const part = super.subarray(start, end);
    return new Bytes(part.buffer as ArrayBuffer, part.byteOffset, part.byteLength);
  }

  override toString(encoding: Encoding = 'utf8'): string {
    switch (encoding) {
      case 'latin1':
      case 'binary':
        return Array.from(this, (byte) => String.fromCharCode(byte)).join('');
      case 'base64':
        return btoa(Array.from(this, (byte) => String.fromCharCode(byte)).join(''));
      case 'hex':
        return Array.from(this, (byte) => byte.toString(16).padStart(2, '0')).join('');
      default:
        return new TextDecoder().decode(this);
    }
  }
}

export const Buffer = {
  from(value: string | ArrayLike<number> | ArrayBuffer, encoding?: Encoding): Bytes {
    if (typeof value === 'string') {
      const bytes = bytesOfString(value, encoding);
      return new Bytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    }
    if (value instanceof ArrayBuffer) return new Bytes(value);
    const copy = new Bytes(value.length);
    copy.set(value);
    return copy;
  },
  byteLength(text: string, encoding?: Encoding): number {
    return bytesOfString(text, encoding).length;
  },
  isBuffer(value: unknown): value is Bytes {
    return value instanceof Bytes;
  },
};
