// Bundles the extension client, the language server and the CLI into dist/.
//
//   node esbuild.mjs               development build (readable output, linked source maps)
//   node esbuild.mjs --production  same bundles, minified
//
// Every bundle: platform node, target node20, CommonJS, JSON imports inlined (the settings schema).
// dist/server.js and dist/cli.js are `bin` entries: they get a `#!/usr/bin/env node` line and mode 755.
// The web extension's two bundles (dist/browser/) are for the browser: see webBundles below.
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const HASHBANG = '#!/usr/bin/env node';

// The extension client is four bundles: dist/extension.js is what activation loads (the commands, the
// pool view, the language tools), and the others are required after activation or on first use
// (client/src/lazy.ts): vscode-languageclient; the pool view's logic with pg and the engine; the
// check whether an .ini file looks like a PgBouncer configuration (the parser and the catalog).
/** @type {{ entry: string, outfile: string, external?: string[], executable?: boolean, client?: boolean }[]} */
const bundles = [
  { entry: 'client/src/extension.ts', outfile: 'dist/extension.js', external: ['vscode'], client: true },
  {
    entry: 'client/src/language-client.ts',
    outfile: 'dist/language-client.js',
    external: ['vscode'],
    client: true,
  },
  { entry: 'client/src/pools/controller.ts', outfile: 'dist/pools.js', external: ['vscode'], client: true },
  { entry: 'client/src/detect.ts', outfile: 'dist/detect.js', client: true },
  { entry: 'server/src/server.ts', outfile: 'dist/server.js', executable: true },
  { entry: 'server/src/cli.ts', outfile: 'dist/cli.js', executable: true },
];

const SERVER_SOURCES = path.join(root, 'server', 'src') + path.sep;

/**
 * The client imports the server only through server/src/api.ts. esbuild keeps the top-level code of
 * every module a bundle reaches unless it knows the module has no side effects, so each client bundle
 * would hold the whole engine behind api.ts, even dist/extension.js, which needs one constant. No
 * server module is imported for its side effects (there is no `import './x'`), so they are declared
 * free of them: a server module none of whose exports a client bundle uses is left out of it.
 * @returns {esbuild.Plugin}
 */
function serverModulesWithoutSideEffects() {
  return {
    name: 'server-modules-without-side-effects',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === SERVER_SOURCES) return undefined; // the resolve call below
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: SERVER_SOURCES,
        });
        if (resolved.errors.length > 0 || !resolved.path.startsWith(SERVER_SOURCES)) return undefined;
        return { path: resolved.path, namespace: resolved.namespace, sideEffects: false };
      });
    },
  };
}

/**
 * esbuild keeps an entry file's own `#!` line and would print the banner's beside it (two hashbangs, a
 * syntax error). This blanks the entry's own line (keeping its newline, so source maps stay exact)
 * and lets the banner write the one hashbang every bin entry should have.
 * @param {string} entryPath absolute path of the entry file
 * @returns {esbuild.Plugin}
 */
function replaceHashbang(entryPath) {
  return {
    name: 'replace-hashbang',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path !== entryPath) return undefined;
        const text = await readFile(args.path, 'utf8');
        return { contents: text.replace(/^#![^\n]*/, ''), loader: 'ts' };
      });
    },
  };
}

const BROWSER_SHIMS = path.join(root, 'server', 'src', 'browser');

/**
 * The web extension: its client (`browser` in package.json) and the language server in a web worker.
 * Platform browser, no polyfills: the Node built-ins the engine imports are small modules of our own
 * (server/src/browser/: POSIX paths, file: URLs for the workspace's file system, IP address checks,
 * fs/crypto that say they are not there, and yaml's parser, only used by a desktop-only check), the
 * client's `minimatch` is client/src/browser/minimatch.ts, Buffer and process are injected, and OpenSSL is
 * replaced by its "not available" side (catalog/openssl-unavailable.ts), which the checks already
 * fall back from. test/unit/browser-bundles.test.ts checks that no Node built-in is left.
 */
const webBundles = [
  {
    entry: 'client/src/browser.ts',
    outfile: 'dist/browser/extension.js',
    format: 'cjs',
    external: ['vscode'],
  },
  { entry: 'server/src/browser-server.ts', outfile: 'dist/browser/server.js', format: 'iife' },
];

/** @returns {esbuild.Plugin} */
function browserShims() {
  const shims = {
    path: 'path.ts',
    url: 'url.ts',
    net: 'net.ts',
    fs: 'fs.ts',
    crypto: 'crypto.ts',
    tls: 'crypto.ts',
  };
  return {
    name: 'browser-shims',
    setup(build) {
      build.onResolve({ filter: /^(node:)?(path|url|net|fs|crypto|tls)$/ }, (args) => ({
        path: path.join(BROWSER_SHIMS, shims[args.path.replace(/^node:/, '')]),
      }));
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: path.join(BROWSER_SHIMS, 'yaml.ts') }));
      // vscode-languageclient's glob matching, for patterns this extension never registers (the file says why)
      build.onResolve({ filter: /^minimatch$/ }, () => ({
        path: path.join(root, 'client', 'src', 'browser', 'minimatch.ts'),
      }));
      const openssl = path.join(root, 'server', 'src', 'catalog', 'openssl');
      build.onResolve({ filter: /\/openssl$/ }, (args) =>
        path.join(args.resolveDir, args.path) === openssl ? { path: `${openssl}-unavailable.ts` } : undefined,
      );
    },
  };
}

/** @param {(typeof webBundles)[number]} bundle */
async function buildWeb(bundle) {
  const outfile = path.join(root, bundle.outfile);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, bundle.entry)],
    outfile,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: bundle.format,
    mainFields: ['browser', 'module', 'main'],
    sourcemap: production ? false : 'linked',
    minify: production,
    external: bundle.external ?? [],
    loader: { '.json': 'json' },
    inject: [path.join(BROWSER_SHIMS, 'process.ts'), path.join(BROWSER_SHIMS, 'buffer.ts')],
    plugins: [browserShims(), serverModulesWithoutSideEffects()],
    logLevel: 'warning',
  });
  return { name: bundle.outfile, bytes: (await stat(outfile)).size };
}

/** @param {(typeof bundles)[number]} bundle */
async function buildOne(bundle) {
  const entryPath = path.join(root, bundle.entry);
  const outfile = path.join(root, bundle.outfile);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    minify: production,
    external: bundle.external ?? [],
    loader: { '.json': 'json' },
    banner: bundle.executable ? { js: HASHBANG } : undefined,
    plugins: [
      ...(bundle.executable ? [replaceHashbang(entryPath)] : []),
      ...(bundle.client ? [serverModulesWithoutSideEffects()] : []),
    ],
    logLevel: 'warning',
  });
  if (bundle.executable) await chmod(outfile, 0o755);
  return { name: bundle.outfile, bytes: (await stat(outfile)).size };
}

/** @param {number} bytes */
function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const started = Date.now();
const all = [...bundles, ...webBundles];
const settled = await Promise.allSettled([...bundles.map(buildOne), ...webBundles.map(buildWeb)]);
const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [[all[i].entry, r.reason]] : []));
if (failed.length > 0) {
  // esbuild has already printed its own diagnostics (logLevel 'warning'); name what failed.
  for (const [entry, reason] of failed) {
    const count = Array.isArray(reason?.errors) ? `${reason.errors.length} error(s)` : String(reason);
    console.error(`esbuild: building ${entry} failed: ${count}`);
  }
  process.exit(1);
}
// every build succeeded from here on
const sizes = settled.map(({ value }) => `${value.name} ${kib(value.bytes)}`).join(', ');
console.log(`esbuild (${production ? 'production' : 'development'}): ${sizes} in ${Date.now() - started} ms`);
