// Runs the admin client against one server in a process of its own, so that a V8 abort or a runaway
// allocation shows as a crashed child instead of taking the test runner with it. Prints one JSON line:
// the error the first SHOW ended with, how long that took, the peak RSS, and (with "recover") what a
// later SHOW returned once the backoff allowed a new connection.
//
//   node --import tsx test/support/admin-client-child.ts '{"port":1234,"recover":true}'

import { AdminClient, AdminError } from '../../client/src/pools/admin-client';

interface ChildRequest {
  port: number;
  timeoutMs?: number;
  recover?: boolean;
}

export interface ChildReport {
  error?: { kind: string; message: string; isAdminError: boolean };
  rows?: number;
  elapsedMs: number;
  maxRssMb: number;
  /** Status and kind of every state change. */
  states: string[];
  recovered?: { rows: number; waitedMs: number; connections: string };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  const client = new AdminClient(
    {
      name: 'hostile',
      host: '127.0.0.1',
      port: request.port,
      user: 'pgb_admin',
      database: 'pgbouncer',
      sslmode: 'prefer',
    },
    () => 'child-password',
    { timeoutMs: request.timeoutMs ?? 5000, initialBackoffMs: 200, maxBackoffMs: 1000 },
  );
  const states: string[] = [];
  client.onStateChange((state) =>
    states.push(state.error ? `${state.status}:${state.error.kind}` : state.status),
  );
  const report: ChildReport = { elapsedMs: 0, maxRssMb: 0, states };
  const started = Date.now();
  try {
    report.rows = (await client.show('POOLS')).length;
  } catch (error) {
    report.error = {
      kind: (error as AdminError).kind,
      message: (error as Error).message,
      isAdminError: error instanceof AdminError,
    };
  }
  report.elapsedMs = Date.now() - started;
  if (request.recover) {
    const failedAt = Date.now();
    for (;;) {
      try {
        const rows = await client.show('VERSION');
        report.recovered = {
          rows: rows.length,
          waitedMs: Date.now() - failedAt,
          connections: client.state.status,
        };
        break;
      } catch {
        if (Date.now() - failedAt > 10_000) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
  await client.close();
  report.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

void main();
