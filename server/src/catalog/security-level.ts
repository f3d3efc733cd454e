// Shared by the OpenSSL answers (./openssl.ts) and the build without OpenSSL (./openssl-unavailable.ts).

/**
 * The security level PgBouncer's OpenSSL applies when the cipher string does not set one: 2 in
 * Debian, Ubuntu and RHEL's system policy and in upstream OpenSSL from 3.2 (3.0's own default is 1).
 * Measured: a 1024-bit RSA certificate makes Debian's PgBouncer 1.18 refuse to start ("ee key too
 * small") unless the cipher string lowers the level.
 */
export const ASSUMED_SECURITY_LEVEL = 2;
