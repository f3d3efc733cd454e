// What the benchmarks share: the median and percentiles of timings, and a minified bundle of engine
// modules (the engine as it ships) for a benchmark to load.

import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '..');

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: number[]): number {
  const s = sorted(values);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Bundles `source` (export lines relative to the repository root) minified for Node into `outfile`. */
export async function bundleForBench(source: string, outfile: string): Promise<string> {
  await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    loader: { '.json': 'json' },
    logLevel: 'warning',
  });
  return outfile;
}
