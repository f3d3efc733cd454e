// Bundles activation does not load. VS Code counts the time it takes to require dist/extension.js and
// to run activate() as the extension's activation; vscode-languageclient alone takes about 35 ms to
// load, the pool view's engine a few more. So those parts are bundles of their own (esbuild.mjs lists
// them), next to dist/extension.js, and are required on first use, after activate() returned.
import * as path from 'node:path';

/**
 * The module of dist/`file`, required once, on the first call. The path is built at run time so that
 * esbuild leaves the require alone (the file is a bundle of its own, not part of the caller's).
 */
export function lazyBundle<T>(file: string): () => T {
  let loaded: T | undefined;
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    loaded ??= require(path.join(__dirname, file)) as T;
    return loaded;
  };
}
