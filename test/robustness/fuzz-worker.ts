// Runs one fuzz property (by name) in a worker thread, so that fuzz.test.ts can stop it if an
// input hangs. Before each input it posts a preview of it; at the end, the outcome.

import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { PROPERTIES, runInput } from './fuzz-properties';
import type { FuzzInput } from './fuzz-properties';

export interface WorkerRequest {
  name: string;
  seed: number;
  numRuns: number;
}

export type WorkerMessage =
  | { kind: 'case'; index: number; preview: string }
  | { kind: 'done'; ok: true; runs: number; slowestMs: number; findings: number }
  | { kind: 'done'; ok: false; report: string };

const PREVIEW_CHARS = 2000;

export function preview(input: FuzzInput): string {
  const text =
    input.text.length > PREVIEW_CHARS
      ? `${JSON.stringify(input.text.slice(0, PREVIEW_CHARS))} ... (${input.text.length} characters in all)`
      : JSON.stringify(input.text);
  const files = Object.entries(input.files).map(
    ([name, content]) =>
      `  ${name}: ${content.length > 400 ? `${JSON.stringify(content.slice(0, 400))} ...` : JSON.stringify(content)}`,
  );
  return [
    `text: ${text}`,
    `files:\n${files.join('\n')}`,
    `settings: ${JSON.stringify(input.settings)}`,
    `positions: ${JSON.stringify(input.positions)}`,
    `newName: ${JSON.stringify(input.newName)}`,
  ].join('\n');
}

function run(request: WorkerRequest): WorkerMessage {
  const property = PROPERTIES.find((p) => p.name === request.name);
  if (!property) return { kind: 'done', ok: false, report: `no fuzz property named ${request.name}` };
  let index = 0;
  let slowestMs = 0;
  let findings = 0;
  const once = (input: FuzzInput): void => {
    parentPort?.postMessage({
      kind: 'case',
      index: index++,
      preview: preview(input),
    } satisfies WorkerMessage);
    const report = runInput(input, property.boundMs);
    slowestMs = Math.max(slowestMs, report.ms);
    findings += report.findings;
  };
  for (const example of property.examples ?? []) {
    const input = example();
    try {
      once(input);
    } catch (error) {
      return { kind: 'done', ok: false, report: `${(error as Error).message}\n--- input\n${preview(input)}` };
    }
  }
  const details = fc.check(fc.property(property.arbitrary, once), {
    seed: request.seed,
    numRuns: request.numRuns,
    // Shrinking re-runs everything per step; a few hundred steps find a small input quickly enough.
    endOnFailure: false,
    interruptAfterTimeLimit: 120_000,
    markInterruptAsFailure: true,
  });
  if (details.failed) {
    const counterexample = details.counterexample?.[0] as FuzzInput | undefined;
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    return {
      kind: 'done',
      ok: false,
      report:
        `property failed after ${details.numRuns} runs (seed ${details.seed}, path ${JSON.stringify(details.counterexamplePath)}, ` +
        `${details.numShrinks} shrinks)\n${cause}\n--- smallest input found\n${counterexample ? preview(counterexample) : '(none)'}`,
    };
  }
  return { kind: 'done', ok: true, runs: index, slowestMs, findings };
}

if (parentPort && workerData) {
  parentPort.postMessage(run(workerData as WorkerRequest));
}
