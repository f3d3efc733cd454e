// `npm start` (after `npm run build`): lint the audited example configuration with the built CLI, then
// print its audit report (`--report`, Markdown).
// Findings are the point of the demo, so the CLI's "errors found" exit code (1) counts as success;
// a usage error or unreadable file (2), any other code, a signal or a crash fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const example = 'examples/pgbouncer.ini';
const args = ['--target-version', '1.21', example];

if (!existsSync(cli)) {
  console.error(`${path.relative(root, cli)} is missing: run \`npm run build\` first (npm start does).`);
  process.exit(2);
}

// Node exits with 1 on an uncaught exception too; this preload turns a crash into exit code 70 so that it
// cannot pass for "errors found".
const CRASHED = 70;
const crashHook = `data:text/javascript,process.on('uncaughtException', (e) => { console.error(e); process.exit(${CRASHED}); });`;

/** Runs the CLI with `cliArgs`; returns its exit code (0 or 1) or exits this script on a failure. */
function runCli(cliArgs) {
  const result = spawnSync(process.execPath, [`--import=${crashHook}`, cli, ...cliArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.error) {
    console.error(`could not run ${cli}: ${result.error.message}`);
    process.exit(2);
  }
  if (result.signal) {
    console.error(`pgbouncer-lint was killed by ${result.signal}`);
    process.exit(1);
  }
  if (result.status === 0 || result.status === 1) return result.status;
  const why = result.status === CRASHED ? 'crashed' : `failed with exit code ${result.status}`;
  console.error(`\npgbouncer-lint ${why}`);
  process.exit(result.status ?? 1);
}

console.log(`pgbouncer-lint ${args.join(' ')}  (the audited SAHOOL configuration, PgBouncer 1.21)\n`);
const status = runCli(args);
const verdict = status === 0 ? 'no errors found' : 'errors found (exit code 1), as expected for this file';
console.log(`\npgbouncer-lint: ${verdict}.`);

const reportArgs = ['--report', ...args];
console.log(`\n${'='.repeat(100)}\npgbouncer-lint ${reportArgs.join(' ')}  (the audit report, Markdown)\n`);
runCli(reportArgs);
process.exit(0);
