// What the tests that start real PgBouncer and PostgreSQL processes share: free loopback ports,
// and one exit hook that stops every child still running and removes every temp dir, also when
// the test process is killed by a signal.

import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export const liveChildren = new Set<ChildProcess>();
export const liveDirs = new Set<string>();
let exitHookInstalled = false;

export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanUp = (): void => {
    for (const child of liveChildren) {
      try {
        if (child.signalCode === 'SIGSTOP' || child.exitCode === null) child.kill('SIGCONT');
        // postgres: SIGQUIT is its immediate shutdown (it takes its backends with it)
        child.kill(child.spawnfile.endsWith('postgres') ? 'SIGQUIT' : 'SIGKILL');
      } catch {
        // already gone
      }
    }
    liveChildren.clear();
    for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.clear();
  };
  process.on('exit', cleanUp);
  // 'exit' does not run when a signal ends the process: clean up, then die of the same signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanUp();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    if (process.listenerCount(signal) === 0) process.on(signal, onSignal);
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
