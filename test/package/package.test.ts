// The packaged extension: `npm run package` builds a .vsix that holds only what runs, under 1 MB, with a
// manifest ready for the marketplace. The .vsix is built from a copy of the checkout (see
// test/support/vsix.ts) and shared with the end-to-end tests of the same run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { packagedVsix, ROOT, zipEntries } from '../support/vsix';
import type { PackagedVsix } from '../support/vsix';

/** The issues' budgets say "1 MB": read as 10^6 bytes, the stricter of the two readings. */
const MAX_VSIX_BYTES = 1_000_000;
/**
 * dist/extension.js is all that activation loads (VS Code counts its loading as activation time); the
 * heavy parts are bundles of their own it requires afterwards (client/src/lazy.ts).
 */
const MAX_ACTIVATION_BUNDLE_BYTES = 16 * 1024;
/** The web extension's client and its web-worker server together (package.json "browser"). */
const MAX_WEB_BUNDLES_BYTES = 1_000_000;
const WEB_BUNDLES = ['extension/dist/browser/extension.js', 'extension/dist/browser/server.js'];
const LAZY_BUNDLES = ['language-client', 'pools', 'detect'];
/** Every bundle in the .vsix: the extension's, and the server the language client starts. */
const BUNDLES = ['extension', ...LAZY_BUNDLES, 'server'].map((name) => `extension/dist/${name}.js`);
/** code-server 4.100.3, the real VS Code the end-to-end tests run, is VS Code 1.100. */
const NEWEST_ENGINE = [1, 100] as const;

/** What may be in the .vsix: vsce's own two files and the extension's runtime files. */
const ALLOWED: RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/(extension|language-client|pools|detect|server)\.js$/,
  /^extension\/dist\/browser\/(extension|server)\.js$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/schemas\/[^/]+\.schema\.json$/,
  /^extension\/images\/icon\.png$/,
  /^extension\/images\/[^/]+\.svg$/,
  // the walkthrough's media and the example its first step opens
  /^extension\/media\/walkthrough\/[^/]+\.(md|svg)$/,
  /^extension\/examples\/pgbouncer\.ini$/,
];

let vsix: PackagedVsix;
let entries: { name: string; size: number }[];
let names: Set<string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let manifest: any;

function unzipText(entry: string): string {
  const result = spawnSync('unzip', ['-p', vsix.path, entry], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.status, 0, `unzip -p ${entry}: ${result.stderr}`);
  return result.stdout;
}

before(async () => {
  vsix = await packagedVsix();
  entries = zipEntries(vsix.path);
  names = new Set(entries.map((e) => e.name));
  manifest = JSON.parse(unzipText('extension/package.json'));
  console.log(
    `${path.relative(ROOT, vsix.path)}: ${fs.statSync(vsix.path).size} bytes, ${entries.length} files` +
      (vsix.built ? `, built by npm run package in ${vsix.buildMs} ms` : ', reused from this content'),
  );
});

test('npm run package builds production bundles and a .vsix with vsce --no-dependencies', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.match(pkg.scripts.package, /node esbuild\.mjs --production/);
  assert.match(pkg.scripts.package, /vsce package --no-dependencies/);
  if (vsix.built) assert.match(vsix.log, /esbuild \(production\)/);
  for (const bundle of BUNDLES) {
    const text = unzipText(bundle);
    const lines = text.split('\n').length;
    assert.ok(
      text.length / lines > 1000,
      `${bundle} is minified (${lines} lines for ${text.length} characters)`,
    );
  }
});

test('the .vsix holds only what the extension runs and shows', () => {
  const unexpected = entries.map((e) => e.name).filter((name) => !ALLOWED.some((re) => re.test(name)));
  assert.deepEqual(
    unexpected,
    [],
    `files that do not belong in the .vsix (fix .vscodeignore):\n${unexpected.join('\n')}`,
  );
  for (const required of [
    'extension/package.json',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/LICENSE.txt',
    ...BUNDLES,
    'extension/images/icon.png',
  ]) {
    assert.ok(names.has(required), `${required} is in the .vsix`);
  }
});

test('every file the manifest points to is in the .vsix', () => {
  const referenced = new Set<string>([manifest.main, manifest.icon]);
  // contributes: language configurations, grammars, JSON schemas, view and command icons
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    } else if (
      typeof value === 'string' &&
      ['path', 'configuration', 'url', 'icon', 'light', 'dark', 'image', 'svg', 'markdown'].includes(key) &&
      !value.startsWith('$(') &&
      !/^[a-z]+:/i.test(value) &&
      /\.(json|png|svg|md)$/.test(value)
    ) {
      referenced.add(value);
    }
  };
  visit(manifest.contributes, 'contributes');
  const missing = [...referenced]
    .map((file) => `extension/${path.posix.normalize(file.replace(/^\.\//, ''))}`)
    .filter((entry) => !names.has(entry));
  assert.deepEqual(
    missing,
    [],
    `files named in package.json but missing from the .vsix:\n${missing.join('\n')}`,
  );
});

test('the bundles need nothing but Node and the vscode module (the .vsix has no node_modules)', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  /** Optional modules a bundled package loads in a try block, on a path the extension never takes. */
  const optional = new Set([
    'pg-native', // pg's native binding, loaded only through pg.native; the pool view uses pg's JavaScript client
  ]);
  for (const [bundle, allowed] of BUNDLES.map(
    (bundle) =>
      [bundle, bundle.endsWith('/server.js') || bundle.endsWith('/detect.js') ? [] : ['vscode']] as const,
  )) {
    const text = unzipText(bundle);
    const required = new Set([...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    const foreign = [...required].filter(
      (m) => !builtins.has(m) && !optional.has(m) && !(allowed as readonly string[]).includes(m),
    );
    assert.deepEqual(
      foreign,
      [],
      `${bundle} requires modules the .vsix does not have: ${foreign.join(', ')}`,
    );
  }
});

test('activation loads a small bundle; the bundles it requires later are in the .vsix', () => {
  const eager = entries.find((e) => e.name === 'extension/dist/extension.js')!;
  assert.ok(
    eager.size < MAX_ACTIVATION_BUNDLE_BYTES,
    `dist/extension.js is ${eager.size} bytes: activation should not load vscode-languageclient, pg or the engine`,
  );
  // lazyBundle('name.js') calls: the file names are the only .js string literals of the bundle
  const text = unzipText('extension/dist/extension.js');
  const required = [...new Set([...text.matchAll(/["']([\w.-]+\.js)["']/g)].map((m) => m[1]))].sort();
  assert.deepEqual(
    required,
    LAZY_BUNDLES.map((name) => `${name}.js`).sort(),
    'the bundles dist/extension.js requires on first use',
  );
  for (const file of required) assert.ok(names.has(`extension/dist/${file}`), `dist/${file} is in the .vsix`);
});

test('the .vsix is smaller than 1 MB', () => {
  const size = fs.statSync(vsix.path).size;
  assert.ok(size < MAX_VSIX_BYTES, `${size} bytes`);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  console.log(`.vsix ${(size / 1024).toFixed(1)} KiB, unpacked ${(unpacked / 1024).toFixed(1)} KiB`);
});

test('the manifest is ready for the marketplace', () => {
  for (const key of ['name', 'publisher', 'displayName', 'description', 'version', 'license', 'icon']) {
    assert.equal(typeof manifest[key], 'string', `package.json has ${key}`);
    assert.ok(manifest[key].length > 0, `package.json ${key} is not empty`);
  }
  assert.match(manifest.repository?.url ?? '', /^https:\/\//, 'repository.url');
  assert.ok(Array.isArray(manifest.categories) && manifest.categories.length > 0, 'categories');
  assert.ok(manifest.categories.includes('Linters'), 'categories include Linters');
  assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0, 'keywords');
  assert.ok(manifest.keywords.length <= 30, 'the marketplace takes at most 30 keywords');

  // the icon: a 128x128 PNG (IHDR width and height, big-endian, at bytes 16 and 20)
  const icon = fs.readFileSync(path.join(ROOT, manifest.icon));
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG', `${manifest.icon} is a PNG`);
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], `${manifest.icon} is 128x128`);
});

test('engines.vscode accepts VS Code 1.100 and @types/vscode is not newer', () => {
  const engine = /^\^?(\d+)\.(\d+)\.\d+$/.exec(manifest.engines.vscode);
  assert.ok(engine, `engines.vscode ${manifest.engines.vscode} is ^X.Y.Z`);
  const [major, minor] = [Number(engine[1]), Number(engine[2])];
  assert.ok(
    major < NEWEST_ENGINE[0] || (major === NEWEST_ENGINE[0] && minor <= NEWEST_ENGINE[1]),
    `engines.vscode ${manifest.engines.vscode} is no newer than ${NEWEST_ENGINE.join('.')}`,
  );
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const types = /(\d+)\.(\d+)/.exec(root.devDependencies['@types/vscode'])!;
  assert.ok(
    Number(types[1]) < major || (Number(types[1]) === major && Number(types[2]) <= minor),
    `@types/vscode ${root.devDependencies['@types/vscode']} is not newer than engines.vscode ${manifest.engines.vscode}`,
  );
});

test('untrusted workspaces: limited support', () => {
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.equal(typeof untrusted.description, 'string');
  assert.match(untrusted.description, /connection/i, 'the description says what is restricted');
});

test('the extension activates on its languages, views and commands', () => {
  const events = new Set<string>(manifest.activationEvents ?? []);
  const palette = new Map<string, string>(
    (manifest.contributes.menus?.commandPalette ?? []).map((m: { command: string; when?: string }) => [
      m.command,
      m.when ?? '',
    ]),
  );
  // A command needs its own activation event when a user can run it before the extension is active: not
  // when the palette hides it ("when": "false": tree-item actions) or shows it only on a context key the
  // extension itself sets (pgbouncer.*), which exists only once the extension is active.
  const reachableBeforeActivation = (command: string): boolean => {
    const when = palette.get(command);
    return when === undefined || (when !== 'false' && !/(^|[^.\w])pgbouncer\./.test(when));
  };
  const expected: string[] = [
    ...(manifest.contributes.languages ?? []).map((l: { id: string }) => `onLanguage:${l.id}`),
    ...(manifest.contributes.commands ?? [])
      .map((c: { command: string }) => c.command)
      .filter(reachableBeforeActivation)
      .map((command: string) => `onCommand:${command}`),
    ...Object.values(manifest.contributes.views ?? {}).flatMap((views) =>
      (views as { id: string }[]).map((v) => `onView:${v.id}`),
    ),
  ];
  const missing = expected.filter((event) => !events.has(event));
  assert.deepEqual(missing, [], `activationEvents lacks ${missing.join(', ')}`);
});

test('the web extension ships in the same .vsix: its browser entry and worker server, within 1 MB together', () => {
  assert.equal(manifest.browser, './dist/browser/extension.js');
  const web = WEB_BUNDLES.map((name) => entries.find((e) => e.name === name));
  assert.ok(
    web.every((e) => e !== undefined),
    `${WEB_BUNDLES.join(', ')} are in the .vsix`,
  );
  const size = web.reduce((sum, e) => sum + (e?.size ?? 0), 0);
  assert.ok(size <= MAX_WEB_BUNDLES_BYTES, `the web bundles are ${size} bytes`);
  console.log(`web bundles ${(size / 1024).toFixed(1)} KiB`);
});
