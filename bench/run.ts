// npm run bench: every performance figure of the project, with the machine it ran on.
// bench/README.md explains each figure and records the numbers.
//
//   npm run bench                 everything (about two minutes)
//   BENCH_QUICK=1 npm run bench   fewer repetitions
//   BENCH_ONLY=server npm run bench   one group of figures (engine, server, deployment, editor)
//
// The engine is measured as it ships: server/src/analysis/engine.ts bundled and minified by esbuild the way
// `node esbuild.mjs --production` bundles dist/server.js. The language server figures start the
// production dist/server.js over stdio with a real LSP client (test/support/lsp-client.ts); the
// development bundles are rebuilt at the end, so dist/ is left as `npm run build` leaves it.

import { missingPieces } from '../test/e2e/harness';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ini from 'ini';
import { LspClient } from '../test/support/lsp-client';
import { databasesConfig } from './workload';
import { bundleForBench, median, percentile } from './shared';

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=server (or engine, deployment, editor; comma-separated): those groups only. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((group) => group.trim());
const runs = (group: string): boolean => !ONLY || ONLY.includes(group);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-bench-'));

type Lint = (text: string, options: { filePath: string }) => { findings: unknown[] };

interface Figure {
  name: string;
  value: string;
  target: string;
  /** true: met, false: missed, null: not measured here. */
  met: boolean | null;
}

const figures: Figure[] = [];

function report(name: string, value: string, target: string, met: boolean | null): void {
  figures.push({ name, value, target, met });
  const verdict = met === null ? 'not measured' : met ? 'ok' : 'MISSED';
  console.log(`${name}: ${value}  [target: ${target}: ${verdict}]`);
}

// ---------------------------------------------------------------------------------------------
// Numbers

const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A deterministic pseudo-random sequence (mulberry32), so that every run asks the same things. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The machine

function machine(): string {
  const cpus = os.cpus();
  const pgbouncer = spawnSync('/usr/sbin/pgbouncer', ['--version'], { encoding: 'utf8' });
  const version = pgbouncer.status === 0 ? pgbouncer.stdout.split('\n')[0].trim() : 'not installed';
  return [
    `CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores`,
    `Node ${process.version}, V8 ${process.versions.v8}`,
    `${os.platform()} ${os.release()} ${os.arch()}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM`,
    `load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
    version,
  ].join('; ');
}

// ---------------------------------------------------------------------------------------------
// The engine as it ships

async function bundleEngine(): Promise<string> {
  return bundleForBench(
    "export { lintText } from './server/src/analysis/engine';\nexport { databasesConfig } from './bench/workload';\n",
    path.join(TMP, 'engine.js'),
  );
}

function lintOptions(): { filePath: string } {
  // A folder without a .pgbouncerlintrc.json: the defaults (newest release, every rule).
  return { filePath: path.join(TMP, 'pgbouncer.ini') };
}

/** Lint and ini.parse of the same text, alternating, after a warm-up; medians and minimums. */
function lintAgainstIni(lint: Lint, text: string, runs: number): { lint: number[]; ini: number[] } {
  for (let i = 0; i < 3; i++) {
    lint(text, lintOptions());
    ini.parse(text);
  }
  const times = { lint: [] as number[], ini: [] as number[] };
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    lint(text, lintOptions());
    times.lint.push(performance.now() - started);
    started = performance.now();
    ini.parse(text);
    times.ini.push(performance.now() - started);
  }
  return times;
}

interface ChildMeasure {
  entries: number;
  bytes: number;
  coldMs: number;
  warmMs: number[];
  retainedHeap: number;
  heapUsed: number;
  rss: number;
  maxRss: number;
}

/**
 * One size in a fresh process: the first lint (cold: nothing compiled yet), a few more (warm),
 * and memory: the heap the result keeps, the heap and resident size with the result alive, and the
 * peak resident size. --max-old-space-size=200 is the guard: a lint that needs more dies.
 */
function measureInChild(bundle: string, entries: number, warmRuns: number): ChildMeasure | string {
  const script = `
    const { lintText, databasesConfig } = require(${JSON.stringify(bundle)});
    const entries = ${entries};
    const text = databasesConfig(entries);
    const options = { filePath: ${JSON.stringify(path.join(TMP, 'pgbouncer.ini'))} };
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    let started = performance.now();
    let result = lintText(text, options);
    const coldMs = performance.now() - started;
    globalThis.gc();
    const memory = process.memoryUsage();
    const retainedHeap = memory.heapUsed - before;
    const warmMs = [];
    for (let i = 0; i < ${warmRuns}; i++) {
      result = null;
      started = performance.now();
      result = lintText(text, options);
      warmMs.push(performance.now() - started);
    }
    const maxRss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify({ entries, bytes: Buffer.byteLength(text), coldMs, warmMs,
      retainedHeap, heapUsed: memory.heapUsed, rss: memory.rss, maxRss, findings: result.findings.length }));
  `;
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=200', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    return `the child process failed (exit ${child.status} ${child.signal ?? ''}): ${child.stderr.split('\n').slice(-5).join(' ')}`;
  }
  return JSON.parse(child.stdout) as ChildMeasure;
}

async function engineFigures(): Promise<void> {
  console.log('\n== Engine (full lint: parse, %include, validation, every rule), in process');
  const bundle = await bundleEngine();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lintText } = require(bundle) as { lintText: Lint };

  const text10k = databasesConfig(10_000);
  const runs = QUICK ? 7 : 21;
  const times = lintAgainstIni(lintText, text10k, runs);
  const lintMedian = median(times.lint);
  const iniMedian = median(times.ini);
  report(
    `full lint of 10,000 [databases] entries (${mb(Buffer.byteLength(text10k))}) vs npm ini parsing the same text`,
    `lint median ${ms(lintMedian)} (min ${ms(Math.min(...times.lint))}), ini.parse median ${ms(iniMedian)} (min ${ms(Math.min(...times.ini))}); lint/ini ${(lintMedian / iniMedian).toFixed(2)}x, ${runs} runs each`,
    'lint faster than ini.parse',
    lintMedian < iniMedian,
  );

  console.log('\n== Growth: time in this process (warm), memory in a fresh process with a 200 MB heap limit');
  const sizes = [1_000, 10_000, 100_000];
  const perEntryTime: number[] = [];
  const perEntryMemory: number[] = [];
  let bigTime = 0;
  let big: ChildMeasure | null = null;
  for (const entries of sizes) {
    const text = databasesConfig(entries);
    const large = entries >= 100_000;
    for (let i = 0; i < (large ? 1 : 3); i++) lintText(text, lintOptions());
    const times: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : large ? 5 : 11); i++) {
      const started = performance.now();
      lintText(text, lintOptions());
      times.push(performance.now() - started);
    }
    const time = median(times);
    perEntryTime.push(time / entries);
    const measure = measureInChild(bundle, entries, 0);
    if (typeof measure === 'string') {
      report(
        `memory at ${entries.toLocaleString('en')} entries`,
        measure,
        'completes under a 200 MB heap limit',
        false,
      );
      continue;
    }
    perEntryMemory.push(measure.retainedHeap / entries);
    if (large) {
      bigTime = time;
      big = measure;
    }
    console.log(
      `${entries.toLocaleString('en').padStart(7)} entries, ${mb(measure.bytes).padStart(7)}: lint median ${ms(time)} ` +
        `(${((time * 1000) / entries).toFixed(2)} us/entry; first lint in a fresh process ${ms(measure.coldMs)}); ` +
        `heap kept by the result ${mb(measure.retainedHeap)} (${(measure.retainedHeap / entries) | 0} bytes/entry), ` +
        `heap ${mb(measure.heapUsed)}, RSS ${mb(measure.rss)}, peak RSS ${mb(measure.maxRss)}`,
    );
  }
  if (perEntryMemory.length === sizes.length && big) {
    const timeRatio = perEntryTime[2] / perEntryTime[1];
    const memoryRatio = perEntryMemory[2] / perEntryMemory[1];
    report(
      'growth from 10,000 to 100,000 entries (cost per entry, 100k / 10k)',
      `time ${timeRatio.toFixed(2)}x, memory ${memoryRatio.toFixed(2)}x per entry`,
      'linear: per-entry cost within 1.5x',
      timeRatio < 1.5 && memoryRatio < 1.5,
    );
    report(
      'full lint of 100,000 entries: time',
      `median ${ms(bigTime)} (the first lint in a fresh process: ${ms(big.coldMs)})`,
      'under 500 ms',
      bigTime < 500,
    );
    report(
      'full lint of 100,000 entries: memory',
      `heap with the result alive ${mb(big.heapUsed)} (${mb(big.retainedHeap)} kept by the result), in a process limited to 200 MB of heap; ` +
        `RSS ${mb(big.rss)}, peak RSS ${mb(big.maxRss)} (Node itself, the 7 MB text and garbage not yet collected included)`,
      'under 200 MB (heap, process.memoryUsage, --max-old-space-size=200)',
      big.heapUsed < 200 * 1024 * 1024,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The language server over stdio

function uriOf(name: string): string {
  return pathToFileURL(path.join(TMP, name)).toString();
}

interface LatencyStats {
  samples: number;
  p50Ms: number;
  p95Ms: number;
}

/** bench/completion-hover.ts (completion and hover called in process), if it is there. */
async function inProcessCompletionHover(): Promise<void> {
  const file = path.join(__dirname, 'completion-hover.ts');
  if (!fs.existsSync(file)) {
    console.log('bench/completion-hover.ts is not there: completion and hover are measured over stdio only');
    return;
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as {
      benchCompletionHover?: (options?: { samples?: number }) => {
        completion: LatencyStats;
        hover: LatencyStats;
        firstCompletionMs: number;
        firstHoverMs: number;
      };
    };
    if (typeof module.benchCompletionHover !== 'function')
      throw new Error('it has no benchCompletionHover()');
    const result = module.benchCompletionHover(QUICK ? { samples: 500 } : {});
    for (const [name, stats, first] of [
      ['completion', result.completion, result.firstCompletionMs],
      ['hover', result.hover, result.firstHoverMs],
    ] as const) {
      report(
        `${name} on the 10,000-entry file, called in process (bench/completion-hover.ts)`,
        `p50 ${ms(stats.p50Ms)}, p95 ${ms(stats.p95Ms)} over ${stats.samples} positions (first call, which builds the lookup tables: ${ms(first)})`,
        'p95 under 5 ms',
        stats.p95Ms < 5,
      );
    }
  } catch (error) {
    report(
      'completion and hover in process (bench/completion-hover.ts)',
      `not measured (${(error as Error).message})`,
      'p95 under 5 ms',
      null,
    );
  }
}

/** Completion and hover requests over stdio at positions all over the 10,000-entry file. */
async function completionHoverFigures(client: LspClient, uri: string, text: string): Promise<void> {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith('app_'));
  const next = random(7);
  const positions = Array.from({ length: QUICK ? 50 : 200 }, () => {
    const line = first + Math.floor(next() * (lines.length - 1 - first));
    const length = lines[line].length;
    // Keys, the =, inside parameters and values, and the end of the line.
    const character = [0, 5, 15, 17, 22, 30, 45, length][Math.floor(next() * 8)];
    return { line, character: Math.min(character, length) };
  });
  for (const method of ['textDocument/completion', 'textDocument/hover']) {
    const times: number[] = [];
    let answered = 0;
    for (const position of positions) {
      const started = performance.now();
      const result = await client.connection.sendRequest(method, { textDocument: { uri }, position });
      times.push(performance.now() - started);
      if (result !== null && !(Array.isArray(result) && result.length === 0)) answered++;
    }
    report(
      `${method === 'textDocument/completion' ? 'completion' : 'hover'} on the 10,000-entry file, over stdio`,
      `p50 ${ms(median(times))}, p95 ${ms(percentile(times, 95))} over ${times.length} requests (${answered} with an answer)`,
      'p95 under 5 ms',
      percentile(times, 95) < 5,
    );
  }
}

/** Latencies of one-character edits (typed after a random entry's dbname, deleted again) to their diagnostics. */
async function editLatency(client: LspClient, uri: string, text: string): Promise<number[]> {
  await client.open(uri, text, 1);
  let version = 1;
  const lines = text.split('\n');
  const edits: number[] = [];
  const next = random(11);
  for (let i = 0; i < (QUICK ? 30 : 120); i++) {
    // Right after the dbname of a random entry: "dbname=app_001234" becomes "dbname=app_001234x".
    const name = `app_${String(Math.floor(next() * 10_000)).padStart(6, '0')} `;
    const line = lines.findIndex((l) => l.startsWith(name));
    const character = lines[line].indexOf(' pool_size=');
    for (const [range, insert] of [
      [{ start: { line, character }, end: { line, character } }, 'x'],
      [{ start: { line, character }, end: { line, character: character + 1 } }, ''],
    ] as const) {
      version++;
      const started = performance.now();
      await client.change(uri, version, [{ range, text: insert }]);
      edits.push(performance.now() - started);
    }
  }
  return edits;
}

async function serverFigures(): Promise<void> {
  console.log('\n== Language server over stdio (production dist/server.js, real LSP client)');
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });

  // Server start to first diagnostics, a fresh process each time.
  const small = fs.readFileSync(path.join(ROOT, 'examples', 'pgbouncer.ini'), 'utf8');
  const starts: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) {
    const started = performance.now();
    const client = await LspClient.start();
    await client.open(uriOf(`start-${i}.ini`), small, 1);
    starts.push(performance.now() - started);
    await client.stop();
  }
  report(
    'server start to first diagnostics (spawn, initialize, didOpen of examples/pgbouncer.ini)',
    `median ${ms(median(starts))} (min ${ms(Math.min(...starts))}) over ${starts.length} starts`,
    'under 300 ms',
    median(starts) < 300,
  );

  const client = await LspClient.start();
  try {
    const text = databasesConfig(10_000);
    const opens: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : 5); i++) {
      const uri = uriOf(`open-${i}.ini`);
      const started = performance.now();
      await client.open(uri, text, 1);
      opens.push(performance.now() - started);
      await client.close(uri);
    }
    report(
      `didOpen of the 10,000-entry file (${mb(Buffer.byteLength(text))}) to publishDiagnostics`,
      `median ${ms(median(opens))} (min ${ms(Math.min(...opens))}) over ${opens.length} opens`,
      'under 150 ms',
      median(opens) < 150,
    );

    // One character typed at the end of an entry's dbname, then deleted again: incremental didChange.
    const uri = uriOf('edited.ini');
    const shared = await editLatency(client, uri, text);
    report(
      'one-character edit (incremental didChange) to publishDiagnostics, 10,000-entry file',
      `p50 ${ms(median(shared))}, p95 ${ms(percentile(shared, 95))} over ${shared.length} edits`,
      'p95 under 16 ms',
      percentile(shared, 95) < 16,
    );
    // The same with 10,000 different PostgreSQL hosts: an edit must not cost more for more servers.
    const hostsUri = uriOf('edited-hosts.ini');
    const distinct = await editLatency(client, hostsUri, databasesConfig(10_000, 10_000));
    await client.close(hostsUri);
    const ratio = percentile(distinct, 95) / percentile(shared, 95);
    report(
      'one-character edit, 10,000 entries on 10,000 different hosts',
      `p50 ${ms(median(distinct))}, p95 ${ms(percentile(distinct, 95))} over ${distinct.length} edits; ${ratio.toFixed(2)}x the p95 with 50 hosts`,
      'p95 under 12 ms and within 1.3x of the 50-host figure',
      percentile(distinct, 95) <= 12 && ratio <= 1.3,
    );

    await completionHoverFigures(client, uri, text);
  } finally {
    await client.stop();
  }
  await inProcessCompletionHover();
}

// ---------------------------------------------------------------------------------------------
// Measured elsewhere, or by other parts of the project

async function activationFigure(): Promise<void> {
  let value: number | undefined = Number(process.env.PGBOUNCER_ACTIVATION_MS) || undefined;
  let source = 'PGBOUNCER_ACTIVATION_MS';
  if (value === undefined && !missingPieces()) {
    // A real VS Code (code-server) with the packaged extension: VS Code's own activation time.
    try {
      const { measureActivation } = await import('./activation');
      // A fresh window each time; single runs on a loaded machine vary a lot: the median counts.
      const runs: number[] = [];
      for (let i = 0; i < (QUICK ? 1 : 5); i++) runs.push((await measureActivation()).ms);
      value = median(runs);
      source = `VS Code's Running Extensions, code-server with the .vsix; median of ${runs.length} windows: ${runs.map((run) => ms(run)).join(', ')}`;
    } catch (error) {
      source = `not measured: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  if (value === undefined) {
    report(
      'extension activation',
      `${source === 'PGBOUNCER_ACTIVATION_MS' ? 'not measured: code-server is not installed (scripts/install-e2e-deps.sh)' : source}`,
      'under 50 ms',
      null,
    );
  } else {
    report('extension activation', `${ms(value)} (${source})`, 'under 50 ms', value < 50);
  }
}

function vsixFigure(): void {
  if (!fs.existsSync(path.join(ROOT, 'node_modules', '@vscode', 'vsce'))) {
    report('.vsix size', 'not measured (vsce not installed)', 'under 1 MB', null);
    return;
  }
  const out = path.join(TMP, 'pgbouncer-config.vsix');
  const result = spawnSync('npx', ['@vscode/vsce', 'package', '--no-dependencies', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !fs.existsSync(out)) {
    const why = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ');
    report('.vsix size', `not measured (vsce package failed: ${why})`, 'under 1 MB', null);
    return;
  }
  const size = fs.statSync(out).size;
  report(
    '.vsix size (production bundles, vsce package)',
    `${(size / 1024).toFixed(0)} KiB`,
    'under 1 MB',
    size < 1024 * 1024,
  );
}

async function poolRefreshFigure(): Promise<void> {
  const file = path.join(__dirname, 'pool-refresh.ts');
  const name = 'pool tree refresh with 1,000 pools against the real PgBouncer (bench/pool-refresh.ts)';
  if (!fs.existsSync(file)) {
    report(name, 'not measured (bench/pool-refresh.ts is not there yet)', 'under 100 ms', null);
    return;
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as {
      runPoolRefreshBench?: (options?: { runs?: number }) => Promise<{
        runs: number;
        totalMs: { median: number; p95: number; max: number };
        readMs: { median: number };
        buildMs: { median: number };
      }>;
    };
    if (typeof module.runPoolRefreshBench !== 'function') throw new Error('it has no runPoolRefreshBench()');
    const result = await module.runPoolRefreshBench(QUICK ? { runs: 10 } : {});
    report(
      name,
      `median ${ms(result.totalMs.median)} (reading ${ms(result.readMs.median)}, tree ${ms(result.buildMs.median)}), p95 ${ms(result.totalMs.p95)} over ${result.runs} refreshes`,
      'under 100 ms',
      result.totalMs.median < 100,
    );
  } catch (error) {
    report(name, `not measured (${(error as Error).message})`, 'under 100 ms', null);
  }
}

async function deploymentFigure(): Promise<void> {
  console.log('\n== Deployment audit (a 5,000-file monorepo, bench/deployment.ts)');
  const name = 'deployment audit of a 5,000-file repository';
  try {
    const { runDeploymentBench } = await import('./deployment');
    const result = await runDeploymentBench(QUICK ? { runs: 5, cliRuns: 3 } : {});
    console.log(
      `${result.written} files written, ${result.found} found by discovery; ${result.poolers} PgBouncers, ` +
        `${result.connections} connections, ${result.findings} findings`,
    );
    report(
      `${name}, auditFolder in process (discovery, reading, assembling, linting, rules)`,
      `median ${ms(result.auditMs.median)}, p95 ${ms(result.auditMs.p95)} over ${result.runs} runs (first run ${ms(result.firstAuditMs)}); ` +
        `discovery alone: median ${ms(result.discoveryMs.median)}, p95 ${ms(result.discoveryMs.p95)}`,
      'under 2 s',
      result.firstAuditMs < 2000 && result.auditMs.p95 < 2000,
    );
    if (typeof result.cliMs === 'string')
      report(`${name}, the CLI`, `not measured (${result.cliMs})`, 'under 2 s', null);
    else
      report(
        `${name}, the whole CLI process (production dist/cli.js --format json DIR)`,
        `median ${ms(result.cliMs.median)}, p95 ${ms(result.cliMs.p95)}`,
        'under 2 s',
        result.cliMs.p95 < 2000,
      );
  } catch (error) {
    report(name, `not measured (${(error as Error).message})`, 'under 2 s', null);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`PgBouncer Config benchmarks, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);
  try {
    if (runs('engine')) await engineFigures();
    if (runs('server')) await serverFigures();
    // After serverFigures: dist/cli.js is the production bundle.
    if (runs('deployment')) await deploymentFigure();
    if (runs('editor')) {
      console.log('\n== Editor, packaging, pool view');
      await activationFigure();
      vsixFigure();
      await poolRefreshFigure();
    }
  } finally {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    fs.rmSync(TMP, { recursive: true, force: true });
  }
  console.log('\n== Summary');
  for (const figure of figures) {
    const verdict = figure.met === null ? 'not measured' : figure.met ? 'ok' : 'MISSED';
    console.log(`${verdict.padEnd(12)} ${figure.name} (target: ${figure.target})`);
  }
  const missed = figures.filter((figure) => figure.met === false).length;
  console.log(`${missed} of ${figures.filter((f) => f.met !== null).length} measured targets missed`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
