// Where a client's connection goes: to a PgBouncer (and is its port right?), straight to a
// PostgreSQL server that a PgBouncer serves (it bypasses the pooler), or somewhere the deployment
// does not say. Host names are compared as the network resolves them: the names a compose service
// or a Kubernetes Service answers to, and the loopback names for clients on the host itself.

import type { LintResult } from '../analysis/engine';
import type { ClientConnection, Workload } from './read/types';
import type { Backend, Pooler, Route } from './model';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '[::1]']);
const DEFAULT_PORT = 5432;

export function normalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(normalHost(host)) || normalHost(host).startsWith('127.');
}

/** The servers a PgBouncer sends its databases to, as the effective configuration says. */
export function backendsOf(lint: LintResult): { backends: Backend[]; fallback: Backend | null } {
  const backends: Backend[] = [];
  let fallback: Backend | null = null;
  for (const entry of lint.effective.databaseList) {
    const hostValue = entry.params.value('host') ?? '';
    // A host starting with / is a Unix socket directory: the pooler's own machine.
    const hosts = hostValue
      .split(',')
      .map((host) => (host.trim().startsWith('/') ? '' : normalHost(host)))
      .filter((host, index, all) => all.indexOf(host) === index);
    const portText = entry.params.value('port');
    const port =
      portText !== undefined && /^\d+$/.test(portText.trim()) ? Number(portText.trim()) : DEFAULT_PORT;
    const backend: Backend = {
      database: entry.name,
      hosts: hosts.length > 0 ? hosts : [''],
      port,
      dbname: entry.params.value('dbname') ?? entry.name,
      entry,
    };
    if (entry.name === '*') fallback = backend;
    else backends.push(backend);
  }
  return { backends, fallback };
}

/** The workloads a host name reaches from a client (same project or cluster). */
function workloadsNamed(host: string, workloads: readonly Workload[]): Workload[] {
  const name = normalHost(host);
  return workloads.filter((workload) => workload.hostnames.some((one) => normalHost(one) === name));
}

function sameNetwork(client: Workload | undefined, pooler: Pooler): boolean {
  const server = pooler.workload;
  if (!client || !server) return false;
  if (client.kind !== server.kind) return false;
  if (client.kind === 'compose-service') return dirOf(client.file) === dirOf(server.file);
  return true;
}

function dirOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at < 0 ? '' : file.slice(0, at);
}

/** The ports a client reaches the pooler on: its listen port inside the network, published ports outside. */
export function expectedPorts(pooler: Pooler, client: Workload | undefined): number[] {
  const ports = new Set<number>();
  const inside = sameNetwork(client, pooler) || !pooler.workload;
  if (inside) ports.add(pooler.listenPort);
  for (const published of pooler.publishedPorts) {
    if (published.published === undefined) continue;
    // A Kubernetes Service's port is how clients in the cluster reach it too.
    if (inside && pooler.workload?.kind === 'kubernetes') ports.add(published.published);
    if (!inside) ports.add(published.published);
  }
  if (pooler.workload?.kind === 'kubernetes' && client?.kind === 'kubernetes') ports.add(pooler.listenPort);
  return [...ports].sort((a, b) => a - b);
}

function reachesPooler(
  connection: ClientConnection,
  host: string,
  pooler: Pooler,
  only: boolean,
  workloads: readonly Workload[],
): boolean {
  const name = normalHost(host);
  if (pooler.hostnames.has(name)) return true;
  const client = connection.workload;
  if (isLoopback(name)) {
    // On the host: a standalone pgbouncer.ini runs there, or a container publishes its port.
    if (!client) return !pooler.workload || pooler.publishedPorts.length > 0;
    // Inside a container, loopback is the container itself: only the pooler's own container.
    return client === pooler.workload;
  }
  // A host named for a pooler, where the deployment has one pooler: that one.
  return only && /bouncer|pooler/.test(name) && workloadsNamed(name, workloads).length === 0;
}

function reachesBackend(
  connection: ClientConnection,
  host: string,
  port: number,
  pooler: Pooler,
  backend: Backend,
  workloads: readonly Workload[],
): boolean {
  const name = normalHost(host);
  const client = connection.workload;
  for (const backendHost of backend.hosts) {
    if (backendHost === '' || isLoopback(backendHost)) {
      // The pooler's own machine: a client on the same machine (a standalone ini on the host).
      if (!pooler.workload && !client && isLoopback(name) && port === backend.port) return true;
      continue;
    }
    if (backendHost === name && port === backend.port) return true;
    const servers = workloadsNamed(backendHost, workloads);
    if (servers.length === 0) continue;
    if (port === backend.port && workloadsNamed(name, workloads).some((one) => servers.includes(one)))
      return true;
    // On the host: the server's container publishes the port the client uses.
    if (!client && isLoopback(name)) {
      for (const server of servers)
        for (const published of server.ports)
          if (published.published === port && published.target === backend.port) return true;
    }
  }
  return false;
}

export function routeConnection(
  connection: ClientConnection,
  poolers: readonly Pooler[],
  workloads: readonly Workload[],
): Route {
  const first = connection.url.hosts[0];
  if (!first) return { kind: 'unknown' };
  const port = first.port ?? DEFAULT_PORT;
  // A pooler's own connections to its servers are not clients of it.
  const own = poolers.find(
    (pooler) => pooler.workload !== undefined && pooler.workload === connection.workload,
  );
  if (!own) {
    for (const pooler of poolers) {
      if (!reachesPooler(connection, first.host, pooler, poolers.length === 1, workloads)) continue;
      const expected = expectedPorts(pooler, connection.workload);
      return { kind: 'pooler', pooler, portMatches: expected.includes(port), expectedPorts: expected };
    }
  }
  for (const pooler of poolers) {
    if (pooler === own) continue;
    for (const backend of [...pooler.backends, ...(pooler.fallback ? [pooler.fallback] : [])]) {
      if (reachesBackend(connection, first.host, port, pooler, backend, workloads))
        return { kind: 'backend', pooler, backend };
    }
  }
  return { kind: 'unknown' };
}
