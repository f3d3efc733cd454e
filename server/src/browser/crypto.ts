// node:crypto in the web-worker build: OpenSSL is left out there (catalog/openssl-unavailable.ts);
// the dashboard's uid and the edoburu image's md5 are desktop features.

export function createHash(algorithm: string): never {
  throw new Error(`crypto.createHash(${algorithm}) is not available in the browser (web extension host)`);
}

export function randomBytes(): never {
  throw new Error('crypto.randomBytes is not available in the browser (web extension host)');
}

export default { createHash, randomBytes };
