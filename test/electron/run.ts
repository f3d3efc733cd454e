// The end-to-end scenarios in a VS Code downloaded by @vscode/test-electron, for machines that can
// download VS Code (this project's CI cannot: its end-to-end tests run code-server, see test/e2e).
// Not part of `npm test`.
//
//   npm run test:electron                      (installs @vscode/test-electron on demand, without saving it)
//   VSCODE_TEST_VERSION=1.100.3 npm run test:electron
//   xvfb-run -a npm run test:electron          (Linux without a display)
//
// What it does: packages the extension (npm run package, via test/support/vsix.ts) and unpacks the
// .vsix, so the extension under test is exactly what users install; bundles ./suite/index.ts with
// esbuild; writes the workspace of test/e2e/workspace.ts and user settings; starts a PostgreSQL and a
// PgBouncer that trusts its admin user (test/support/stack.ts, when installed) for the Pool Status view;
// runs the suite in the extension host; checks PgBouncer's log for the view's admin-console login.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { WORKSPACE } from '../e2e/workspace';
import { stackUnavailable, startStack } from '../support/stack';
import type { Stack } from '../support/stack';
import { packagedVsix, ROOT } from '../support/vsix';

interface TestElectron {
  runTests(options: {
    version?: string;
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    launchArgs?: string[];
    extensionTestsEnv?: Record<string, string | undefined>;
  }): Promise<number>;
}

async function loadTestElectron(): Promise<TestElectron> {
  const name = '@vscode/test-electron'; // not a devDependency: only this script uses it
  try {
    return (await import(name)) as TestElectron;
  } catch {
    throw new Error(
      `${name} is not installed: run npm run test:electron (it installs it without saving), or npm install --no-save ${name}`,
    );
  }
}

async function main(): Promise<number> {
  const testElectron = await loadTestElectron();
  const work = path.join(ROOT, '.test-tmp', 'electron');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });

  // the extension as users install it: the .vsix, unpacked
  const vsix = await packagedVsix();
  const unpacked = path.join(work, 'vsix');
  const unzip = spawnSync('unzip', ['-q', vsix.path, 'extension/*', '-d', unpacked], { encoding: 'utf8' });
  if (unzip.status !== 0) throw new Error(`unzip ${vsix.path}: ${unzip.stderr || unzip.error?.message}`);
  const extension = path.join(unpacked, 'extension');

  const suite = path.join(work, 'suite', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'suite', 'index.ts')],
    outfile: suite,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });

  const workspace = path.join(work, 'ws');
  for (const [file, content] of Object.entries(WORKSPACE)) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), content);
  }

  let stack: Stack | undefined;
  const settings: Record<string, unknown> = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.wordBasedSuggestions': 'off',
  };
  const reason = (() => {
    try {
      return stackUnavailable();
    } catch (error) {
      return String(error);
    }
  })();
  if (reason) {
    console.log(`Pool Status scenario not run: ${reason}`);
  } else {
    // auth_type = trust: the view logs in without a password (SecretStorage cannot be filled from here)
    stack = await startStack({ settings: { auth_type: 'trust' } });
    const app = await stack.connectApp('appdb');
    await app.query('SELECT 1');
    await app.end();
    settings['pgbouncer.instances'] = [
      {
        name: 'primary',
        host: stack.pgbouncer.host,
        port: stack.pgbouncer.port,
        user: stack.users.admin.user,
      },
    ];
    settings['pgbouncer.refreshInterval'] = 1;
  }
  const userData = path.join(work, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  try {
    const code = await testElectron.runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: extension,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${userData}`,
        `--extensions-dir=${path.join(work, 'extensions')}`,
      ],
      extensionTestsEnv: { E2E_POOL_INSTANCE: stack ? 'primary' : undefined },
    });
    if (stack) {
      const admin = stack.users.admin.user;
      if (!new RegExp(`login attempt: db=pgbouncer user=${admin}`).test(stack.pgbouncer.log())) {
        console.log(`not ok - the Pool Status view never logged in to PgBouncer's admin console as ${admin}`);
        return 1;
      }
      console.log(`ok - the Pool Status view logged in to PgBouncer's admin console as ${admin}`);
    }
    return code;
  } finally {
    await stack?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
