// Fuzzing: random and mutated configurations (random bytes, token soups, mutated fixtures, deep and
// cyclic %include graphs on an in-memory file system, megabyte inputs) through the parser,
// validation, the rules and every editor feature at random positions. For every input: no
// exception, every range inside its document, and a time bound (see ./fuzz-properties.ts).
//
// Each property runs in a worker thread with a fixed seed; if an input makes no progress for
// HANG_MS the worker is stopped and the test fails with that input. FUZZ_SEED picks another seed,
// FUZZ_RUNS multiplies the number of inputs (e.g. FUZZ_RUNS=20 for a long local run).

import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { PROPERTIES, specialFilesFolderPath } from './fuzz-properties';
import type { WorkerMessage, WorkerRequest } from './fuzz-worker';

const SEED = Number(process.env.FUZZ_SEED) || 7_2025;
const RUNS = Number(process.env.FUZZ_RUNS) || 1;
/** No new input for this long means an input hangs. */
const HANG_MS = 60_000;

const WORKER = path.join(__dirname, 'fuzz-worker.ts');

function runProperty(request: WorkerRequest): Promise<WorkerMessage & { kind: 'done' }> {
  // The worker loads TypeScript through tsx, like the test itself.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, {
    eval: true,
    workerData: request,
  });
  return new Promise((resolve, reject) => {
    let last: { index: number; preview: string } | null = null;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new Error(
            `no progress for ${HANG_MS / 1000} s: input ${last?.index ?? '?'} hangs\n--- input\n${last?.preview ?? '(none yet)'}`,
          ),
        );
      }, HANG_MS);
    };
    arm();
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'case') {
        last = message;
        arm();
        return;
      }
      clearTimeout(timer);
      void worker.terminate();
      resolve(message);
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the fuzz worker crashed: ${error.stack ?? String(error)}\n--- last input\n${last?.preview ?? ''}`,
        ),
      );
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the fuzz worker exited (code ${code}) without an outcome\n--- last input\n${last?.preview ?? ''}`,
        ),
      );
    });
  });
}

after(() => fs.rmSync(specialFilesFolderPath(), { recursive: true, force: true }));

for (const property of PROPERTIES) {
  test(`fuzz: ${property.name}`, { timeout: 900_000 }, async () => {
    const outcome = await runProperty({
      name: property.name,
      seed: SEED,
      numRuns: Math.max(1, Math.round(property.numRuns * RUNS)),
    });
    if (!outcome.ok) assert.fail(`fuzz: ${property.name}\n${outcome.report}`);
    console.log(
      `fuzz: ${property.name}: ${outcome.runs} inputs, slowest ${outcome.slowestMs.toFixed(0)} ms, ${outcome.findings} findings in all`,
    );
  });
}
