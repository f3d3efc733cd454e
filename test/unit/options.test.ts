// The options of an analysis (analysis/options.ts): where each comes from, and that the language
// server, the CLI and the userlist.txt cross-check resolve the same ones from the same inputs.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import { resolveOptions, resolveRunDirectory } from '../../server/src/analysis/options';
import type { ResolvedOptions } from '../../server/src/analysis/options';
import { parseVersion } from '../../server/src/catalog/catalog';
import { optionSources, parseCliArgs } from '../../server/src/cli/args';
import { lintDocument } from '../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Settings } from '../../server/src/settings';
import { lintUserlist } from '../../server/src/userlist/lint';
import { memoryFileSystem } from '../support/memory-fs';

test('the run directory: default the file folder, relative to the workspace folder that holds the file', () => {
  assert.equal(resolveRunDirectory('', '/ws/a/pgbouncer.ini', ['/ws']), undefined);
  assert.equal(resolveRunDirectory('/etc/pgbouncer', '/ws/a/pgbouncer.ini', ['/ws']), '/etc/pgbouncer');
  assert.equal(resolveRunDirectory('deploy', '/ws/a/pgbouncer.ini', ['/other', '/ws']), '/ws/deploy');
  assert.equal(resolveRunDirectory('deploy', '/ws/a/pgbouncer.ini', ['/ws', '/ws/a']), '/ws/a/deploy');
  assert.equal(resolveRunDirectory('deploy', '/elsewhere/pgbouncer.ini', ['/ws']), '/elsewhere/deploy');
});

// --- precedence: flags > project file > editor settings > defaults ------------------------------

const FILE = '/ws/conf/pgbouncer.ini';
const RC = '/ws/.pgbouncerlintrc.json';

function resolve(
  sources: Omit<Parameters<typeof resolveOptions>[0], 'filePath'>,
  rc?: object,
): ResolvedOptions {
  const files: Record<string, string> = rc ? { [RC]: JSON.stringify(rc) } : {};
  return resolveOptions({ filePath: FILE, ...sources }, memoryFileSystem(files));
}

const SETTINGS = {
  targetVersion: '1.19',
  runDirectory: 'from-settings',
  profile: 'development',
  rules: { 'syslog-disabled': 'error', '*': 'hint' },
  postgresMaxConnections: 300,
  fileDescriptorLimit: 4000,
} as const;

const PROJECT_FILE = {
  targetVersion: '1.21',
  runDirectory: 'from-rc',
  profile: 'production',
  rules: { 'syslog-disabled': 'warning' },
  postgresMaxConnections: 200,
};

test('defaults: the newest release, the file folder, production, no overrides', () => {
  const options = resolve({});
  assert.equal(options.target.label, DEFAULT_SETTINGS.targetVersion);
  assert.equal(options.runDirectory, '/ws/conf');
  assert.equal(options.runDirectorySource, 'config-folder');
  assert.equal(options.profile, 'production');
  assert.deepEqual(options.rules, {});
  assert.deepEqual(options.options, { postgresMaxConnections: 100, fileDescriptorLimit: 1024 });
  assert.equal(options.projectFile, null);
});

test('editor settings: a relative run directory from the workspace folder, severities with "*"', () => {
  const options = resolve({ settings: SETTINGS, workspaceFolders: ['/ws'] });
  assert.equal(options.target.label, '1.19');
  assert.equal(options.runDirectory, '/ws/from-settings');
  assert.equal(options.runDirectorySource, 'settings');
  assert.equal(options.profile, 'development');
  assert.deepEqual(options.rules, { 'syslog-disabled': 'error', '*': 'hint' });
  assert.deepEqual(options.options, { postgresMaxConnections: 300, fileDescriptorLimit: 4000 });
  // Without a workspace folder holding the file: from the file's folder.
  assert.equal(resolve({ settings: SETTINGS }).runDirectory, '/ws/conf/from-settings');
});

test('the project file wins over the editor settings; its run directory is relative to itself', () => {
  const options = resolve({ settings: SETTINGS, workspaceFolders: ['/ws'] }, PROJECT_FILE);
  assert.equal(options.target.label, '1.21');
  assert.equal(options.runDirectory, '/ws/from-rc');
  assert.equal(options.runDirectorySource, 'project-file');
  assert.equal(options.profile, 'production');
  assert.deepEqual(options.rules, { 'syslog-disabled': 'warning', '*': 'hint' });
  assert.deepEqual(options.options, { postgresMaxConnections: 200, fileDescriptorLimit: 4000 });
  assert.equal(options.projectFile?.path, RC);
  // Not read when told not to.
  const without = resolve({ settings: SETTINGS, useProjectFile: false }, PROJECT_FILE);
  assert.equal(without.target.label, '1.19');
  assert.equal(without.projectFile, null);
});

test('flags win over the project file, except severities and rule options, where it wins', () => {
  const options = resolve(
    {
      targetVersion: '1.23',
      runDirectory: 'from-flag',
      profile: 'development',
      rules: { 'syslog-disabled': 'off', 'auth-type-md5': 'off' },
      ruleOptions: { postgresMaxConnections: 50, fileDescriptorLimit: 64 },
      settings: SETTINGS,
    },
    PROJECT_FILE,
  );
  assert.equal(options.target.label, '1.23');
  assert.equal(options.runDirectory, '/ws/conf/from-flag', 'relative to the file');
  assert.equal(options.runDirectorySource, 'explicit');
  assert.equal(options.profile, 'development');
  assert.deepEqual(options.rules, { 'syslog-disabled': 'warning', '*': 'hint', 'auth-type-md5': 'off' });
  assert.deepEqual(options.options, { postgresMaxConnections: 200, fileDescriptorLimit: 64 });
  // A target given as a Version is taken as it is; an empty run directory is the file's folder.
  const version = parseVersion('1.18')!;
  const empty = resolve({ targetVersion: version, runDirectory: '' }, PROJECT_FILE);
  assert.equal(empty.target, version);
  assert.equal(empty.runDirectory, '/ws/conf');
  assert.equal(empty.runDirectorySource, 'config-folder');
});

// --- the three paths agree -----------------------------------------------------------------------

const INI = '[pgbouncer]\nauth_type = md5\nauth_file = userlist.txt\nadmin_users = ops\n';

/** <workspace>/deploy/{pgbouncer.ini, userlist.txt}, with the project file given, if any. */
function workspace(projectFile?: object): { root: string; ini: string; userlist: string; cleanup(): void } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-options-')));
  const folder = path.join(root, 'deploy');
  fs.mkdirSync(folder);
  const ini = path.join(folder, 'pgbouncer.ini');
  const userlist = path.join(folder, 'userlist.txt');
  fs.writeFileSync(ini, INI);
  fs.writeFileSync(userlist, '"someone" "md5' + '0'.repeat(32) + '"\n');
  if (projectFile) fs.writeFileSync(path.join(folder, '.pgbouncerlintrc.json'), JSON.stringify(projectFile));
  return { root, ini, userlist, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The options each path analyses pgbouncer.ini with, and the userlist.txt next to it. */
function threePaths(
  where: ReturnType<typeof workspace>,
  settings: Settings,
  cliArgs: string[],
): { server: ResolvedOptions; cli: ResolvedOptions; crossCheck: ResolvedOptions; userlist: ResolvedOptions } {
  const workspaceFolders = [where.root];
  const document = TextDocument.create(pathToFileURL(where.ini).toString(), 'pgbouncer-ini', 1, INI);
  const server = lintDocument(document, { settings, workspaceFolders }).config;
  const parsed = parseCliArgs([...cliArgs, where.ini]);
  assert.ok(parsed.ok);
  const cli = lintText(INI, optionSources(where.ini, parsed.options, where.root)).config;
  const userlist = lintUserlist(fs.readFileSync(where.userlist, 'utf8'), {
    ...settings,
    filePath: where.userlist,
    workspaceFolders,
  });
  assert.equal(userlist.references.length, 1, 'the cross-check finds the pgbouncer.ini');
  return { server, cli, crossCheck: userlist.references[0].options, userlist: userlist.options };
}

test('the language server, the CLI and the userlist cross-check agree: from the project file', () => {
  const where = workspace({
    targetVersion: '1.21',
    runDirectory: '.',
    profile: 'development',
    rules: { '*': 'hint', 'syslog-disabled': 'off', 'userlist-md5-secret': 'warning' },
    postgresMaxConnections: 200,
  });
  try {
    const { server, cli, crossCheck, userlist } = threePaths(where, DEFAULT_SETTINGS, []);
    assert.equal(server.target.label, '1.21');
    assert.equal(server.runDirectory, path.dirname(where.ini));
    assert.equal(server.runDirectorySource, 'project-file');
    assert.equal(server.profile, 'development');
    assert.deepEqual(cli, server);
    assert.deepEqual(crossCheck, server);
    assert.deepEqual(userlist, server);
  } finally {
    where.cleanup();
  }
});

test('the language server, the CLI and the userlist cross-check agree: from settings and flags', () => {
  const where = workspace();
  try {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      targetVersion: '1.19',
      runDirectory: 'deploy',
      profile: 'development',
      rules: { '*': 'information', 'auth-type-md5': 'off' },
    };
    const flags = ['--target-version', '1.19', '--run-dir', 'deploy', '--profile', 'development'];
    flags.push('--rule', '*=information', '--rule', 'auth-type-md5=off');
    const { server, cli, crossCheck, userlist } = threePaths(where, settings, flags);
    assert.equal(server.target.label, '1.19');
    assert.equal(server.runDirectory, path.dirname(where.ini), 'relative to the workspace folder');
    assert.equal(server.runDirectorySource, 'settings');
    assert.deepEqual(server.rules, { '*': 'information', 'auth-type-md5': 'off' });
    assert.deepEqual(crossCheck, server);
    assert.deepEqual(userlist, server);
    // The same values, given as flags (--run-dir from the current directory).
    assert.deepEqual(cli, { ...server, runDirectorySource: 'explicit' });
  } finally {
    where.cleanup();
  }
});
