// ./openssl.ts where there is no OpenSSL to ask: the web-worker build (esbuild.mjs puts this module
// in its place). opensslAvailable() is false, and every caller then falls back to the catalog's word
// lists or leaves a file's contents unjudged, as it does on Electron's BoringSSL; the other answers
// are never asked for, and fail with a reason if they are. The type below keeps the two in step.

import type * as OpenSsl from './openssl';
import { ASSUMED_SECURITY_LEVEL } from './security-level';

function notAsked(): never {
  throw new Error('OpenSSL is not available here: callers check opensslAvailable() first');
}

const unavailable: typeof OpenSsl = {
  ASSUMED_SECURITY_LEVEL,
  opensslAvailable: () => false,
  cipherListRefusal: notAsked,
  cipherSuitesRefusal: notAsked,
  builtinCurve: notAsked,
  builtinCurves: notAsked,
  certificateRefusal: notAsked,
  certificateLevelRefusal: notAsked,
  privateKeyRefusal: notAsked,
  keyMismatch: notAsked,
  certificateBlockParses: notAsked,
};

export const {
  opensslAvailable,
  cipherListRefusal,
  cipherSuitesRefusal,
  builtinCurve,
  builtinCurves,
  certificateRefusal,
  certificateLevelRefusal,
  privateKeyRefusal,
  keyMismatch,
  certificateBlockParses,
} = unavailable;
export { ASSUMED_SECURITY_LEVEL };
