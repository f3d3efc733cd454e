// The deployment audit's figure for `npm run bench` (bench/run.ts): a 5,000-file monorepo
// (bench/deployment-repo.ts) audited as `pgbouncer-lint DIR` audits it, against the target of
// under 2 s. Three numbers:
//   - auditFolder in process (discovery, reading, assembling, linting every PgBouncer, the rules), with
//     the engine bundled and minified as it ships; the first run (nothing compiled yet) and then
//     median and p95 of the rest;
//   - the discovery walk alone (the part that grows with the repository's size);
//   - the whole CLI process, `node dist/cli.js --format json DIR`: what a user or CI waits for.
// The files are in the page cache (just written), as on a second run in CI.
//
//   npx tsx bench/deployment.ts      this figure alone (builds nothing: dist/cli.js must be there)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDeploymentRepo } from './deployment-repo';
import { bundleForBench, median, percentile } from './shared';

const ROOT = path.resolve(__dirname, '..');

export interface Spread {
  median: number;
  p95: number;
}

export interface DeploymentBenchResult {
  written: number;
  /** Files discovery returned (the deployment's), of all those written. */
  found: number;
  poolers: number;
  connections: number;
  findings: number;
  runs: number;
  firstAuditMs: number;
  auditMs: Spread;
  discoveryMs: Spread;
  /** The CLI's wall time, or why it was not measured. */
  cliMs: Spread | string;
}

interface DeploymentModule {
  auditFolder(root: string): {
    deployment: { poolers: unknown[]; connections: unknown[] };
    findings: unknown[];
  };
  discoverDeploymentFiles(root: string): { files: unknown[]; truncated: boolean };
}

function spread(values: number[]): Spread {
  return { median: median(values), p95: percentile(values, 95) };
}

async function bundleDeployment(dir: string): Promise<string> {
  return bundleForBench(
    "export { auditFolder } from './server/src/deployment/run';\n" +
      "export { discoverDeploymentFiles } from './server/src/deployment/read/discover';\n",
    path.join(dir, 'deployment-engine.js'),
  );
}

export async function runDeploymentBench(
  options: { runs?: number; cliRuns?: number; fileCount?: number } = {},
): Promise<DeploymentBenchResult> {
  const runs = options.runs ?? 10;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-bench-deployment-'));
  try {
    const repo = path.join(work, 'repo');
    const layout = makeDeploymentRepo(repo, options.fileCount ?? 5000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engine = require(await bundleDeployment(work)) as DeploymentModule;

    let started = performance.now();
    const first = engine.auditFolder(repo);
    const firstAuditMs = performance.now() - started;
    const audit: number[] = [];
    const discovery: number[] = [];
    let found = 0;
    for (let index = 0; index < runs; index++) {
      started = performance.now();
      const files = engine.discoverDeploymentFiles(repo);
      discovery.push(performance.now() - started);
      found = files.files.length;
      started = performance.now();
      engine.auditFolder(repo);
      audit.push(performance.now() - started);
    }

    let cliMs: Spread | string;
    const cli = path.join(ROOT, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) cliMs = 'dist/cli.js is not built';
    else {
      const times: number[] = [];
      cliMs = '';
      for (let index = 0; index < (options.cliRuns ?? 5); index++) {
        started = performance.now();
        const child = spawnSync(process.execPath, [cli, '--format', 'json', repo], {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        });
        times.push(performance.now() - started);
        // Exit 1: errors found (the repository has some on purpose); 2 would be the CLI failing.
        if (child.status !== 0 && child.status !== 1) {
          cliMs = `the CLI failed (exit ${child.status}): ${child.stderr.split('\n').slice(-3).join(' ')}`;
          break;
        }
      }
      if (cliMs === '') cliMs = spread(times);
    }
    return {
      written: layout.written,
      found,
      poolers: first.deployment.poolers.length,
      connections: first.deployment.connections.length,
      findings: first.findings.length,
      runs,
      firstAuditMs,
      auditMs: spread(audit),
      discoveryMs: spread(discovery),
      cliMs,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runDeploymentBench().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
