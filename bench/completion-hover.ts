// Micro-benchmark of completion and hover on a pgbouncer.ini with 10,000 [databases] entries:
// both are called as plain functions at many positions of one analysis, and their p50/p95
// are reported (target: p95 under 5 ms). The first call of each builds the lazy lookup tables
// and is reported on its own.
//
//   npx tsx bench/completion-hover.ts [entries] [samples]
//
// benchCompletionHover() returns the numbers for the bench harness.

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompletionParams, HoverParams, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../server/src/analysis/engine';
import { completion } from '../server/src/features/completion';
import { hover } from '../server/src/features/hover';
import { DEFAULT_SETTINGS } from '../server/src/settings';

export interface LatencyStats {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface CompletionHoverBench {
  entries: number;
  /** Lines of the generated file. */
  lines: number;
  /** lintText of the whole file, once (not part of the request latencies). */
  analysisMs: number;
  /** First completion and first hover: they build the per-analysis lookup tables. */
  firstCompletionMs: number;
  firstHoverMs: number;
  completion: LatencyStats;
  hover: LatencyStats;
  /** Completion at the costliest kinds of position, each measured on its own. */
  hotspots: Record<string, LatencyStats>;
}

/** The generated configuration: a [pgbouncer] block, a [users] entry and `entries` databases. */
export function benchConfig(entries: number): string {
  const lines = [
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    'listen_port = 6432',
    'auth_type = scram-sha-256',
    'auth_file = userlist.txt',
    'auth_dbname = db00042',
    'pool_mode = transaction',
    'server_idle_timeout = 900',
    'max_client_conn = 0100',
    'default_pool_size = 20',
    '',
    '',
    '[users]',
    'batch = pool_mode=session max_user_connections=5',
    '',
    '[databases]',
  ];
  for (let i = 0; i < entries; i++) {
    const name = `db${String(i).padStart(5, '0')}`;
    lines.push(
      `${name} = host=db${i % 50}.internal port=5432 dbname=${name} pool_mode=transaction auth_dbname=db00001 `,
    );
  }
  return lines.join('\n') + '\n';
}

function stats(times: number[]): LatencyStats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    samples: sorted.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** The costliest kinds of position for completion, by name. */
function hotspots(document: TextDocument): Record<string, Position> {
  const text = document.getText();
  const named: Record<string, Position> = {};
  const find = (name: string, needle: string, delta: number): void => {
    const at = text.indexOf(needle);
    if (at >= 0) named[name] = document.positionAt(at + delta);
  };
  find('every key (empty line)', 'default_pool_size = 20\n', 'default_pool_size = 20\n'.length);
  find('enum values', 'pool_mode = transaction', 'pool_mode = '.length);
  find('database names', 'auth_dbname = db00042', 'auth_dbname = '.length);
  find('directory listing', 'auth_file = userlist.txt', 'auth_file = '.length);
  find('section names', '[databases]', 1);
  find('connection parameters', 'auth_dbname=db00001 \n', 'auth_dbname=db00001 '.length);
  return named;
}

/** Positions spread over the file (a fixed pseudo-random sequence) after the costliest ones. */
function positions(document: TextDocument, samples: number): Position[] {
  const lines = document.getText().split('\n');
  const chosen: Position[] = Object.values(hotspots(document));
  let seed = 12345;
  while (chosen.length < samples) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const line = seed % lines.length;
    const character = lines[line].length === 0 ? 0 : (seed >> 8) % (lines[line].length + 1);
    chosen.push({ line, character });
  }
  return chosen;
}

export function benchCompletionHover(
  options: { entries?: number; samples?: number } = {},
): CompletionHoverBench {
  const entries = options.entries ?? 10_000;
  const samples = options.samples ?? 2_000;
  const text = benchConfig(entries);
  // The run directory is bench/, so path completion lists a real (small) folder.
  const filePath = path.join(__dirname, 'pgbouncer.ini');
  const document = TextDocument.create(`file://${filePath}`, 'pgbouncer-ini', 1, text);
  const started = performance.now();
  const analysis = lintText(text, { filePath, targetVersion: '1.25', useProjectFile: false });
  const analysisMs = performance.now() - started;

  const uri = document.uri;
  const at = positions(document, samples);
  const completionParams = (position: Position): CompletionParams => ({ textDocument: { uri }, position });
  const hoverParams = (position: Position): HoverParams => ({ textDocument: { uri }, position });

  let t = performance.now();
  completion(document, analysis, completionParams(at[0]), DEFAULT_SETTINGS);
  const firstCompletionMs = performance.now() - t;
  t = performance.now();
  hover(document, analysis, hoverParams(at[1]), DEFAULT_SETTINGS);
  const firstHoverMs = performance.now() - t;

  const completionTimes: number[] = [];
  const hoverTimes: number[] = [];
  for (const position of at) {
    t = performance.now();
    completion(document, analysis, completionParams(position), DEFAULT_SETTINGS);
    completionTimes.push(performance.now() - t);
    t = performance.now();
    hover(document, analysis, hoverParams(position), DEFAULT_SETTINGS);
    hoverTimes.push(performance.now() - t);
  }
  const spots: Record<string, LatencyStats> = {};
  for (const [name, position] of Object.entries(hotspots(document))) {
    const times: number[] = [];
    for (let k = 0; k < 200; k++) {
      t = performance.now();
      completion(document, analysis, completionParams(position), DEFAULT_SETTINGS);
      times.push(performance.now() - t);
    }
    spots[name] = stats(times);
  }
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    entries,
    lines: document.lineCount,
    analysisMs: round(analysisMs),
    firstCompletionMs: round(firstCompletionMs),
    firstHoverMs: round(firstHoverMs),
    completion: stats(completionTimes),
    hover: stats(hoverTimes),
    hotspots: spots,
  };
}

if (require.main === module) {
  const entries = Number(process.argv[2] ?? 10_000);
  const samples = Number(process.argv[3] ?? 2_000);
  const result = benchCompletionHover({ entries, samples });
  const line = (name: string, s: LatencyStats): string =>
    `${name.padEnd(24)} p50 ${s.p50Ms.toFixed(3)} ms   p95 ${s.p95Ms.toFixed(3)} ms   max ${s.maxMs.toFixed(3)} ms   (${s.samples} positions)`;
  console.log(`completion/hover on ${result.entries} [databases] entries (${result.lines} lines)`);
  console.log(`analysis (lintText, once): ${result.analysisMs} ms`);
  console.log(
    `first calls (build lookup tables): completion ${result.firstCompletionMs} ms, hover ${result.firstHoverMs} ms`,
  );
  console.log(line('completion', result.completion));
  console.log(line('hover', result.hover));
  console.log('completion at the costliest positions:');
  for (const [name, s] of Object.entries(result.hotspots)) console.log(`  ${line(name, s)}`);
}
