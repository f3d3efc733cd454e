// The deployment of a folder as the audit sees it: every PgBouncer (a pgbouncer.ini, a container
// configured by environment, an operator's pooler), every workload, and every connection to
// PostgreSQL that an application makes, each with where it is written. deployment/assemble.ts builds
// it from the readers; the deployment rules (deployment/rules/) read it.

import type { LintResult } from '../analysis/engine';
import type { ConnectionEntry } from '../model/effective';
import type { Span } from '../syntax/syntax';
import type { ClientConnection, PublishedPort, ReadProblem, Workload } from './read/types';

export type PoolerKind = 'ini' | 'edoburu' | 'bitnami' | 'cloudnative-pg' | 'zalando';

/** A server a [databases] entry sends clients to. */
export interface Backend {
  /** The [databases] name clients connect to. */
  database: string;
  /** Host names (several for a multi-host entry), lower case; '' when PgBouncer uses its Unix socket. */
  hosts: string[];
  port: number;
  /** The database name on the server (dbname=, else the entry's name). */
  dbname: string;
  entry: ConnectionEntry;
}

export interface Pooler {
  /** How the audit names it: the service or object name, or the file's path. */
  name: string;
  kind: PoolerKind;
  /** The pgbouncer.ini it runs with: a file of the repository, or what the image or operator writes. */
  iniPath: string;
  /** True when the ini is written by an image's entrypoint or an operator, not a file of the repository. */
  generated: boolean;
  text: string;
  lint: LintResult;
  /** The container that runs it (compose service, Kubernetes workload), when known. */
  workload?: Workload;
  /** PgBouncer's release from the image tag, when there is one. */
  release?: string;
  /** listen_port in force. */
  listenPort: number;
  /** Names clients reach it by (lower case): service names, aliases, Kubernetes Services. */
  hostnames: Set<string>;
  /** Ports published to the host or outside the cluster, with where they are written. */
  publishedPorts: PublishedPort[];
  backends: Backend[];
  /** A `*` entry: any database name is served. */
  fallback: Backend | null;
  /** Where findings about the pooler as a whole go: the image line, the Pooler object, the file's start. */
  place: { file: string; span: Span };
  /** Where a place in the ini text is written in the repository (for a generated ini: the variable's line). */
  locate(span: Span): { file: string; span: Span };
  /** The users auth_file lists, when it could be read (undefined: unknown). */
  authUsers?: ReadonlySet<string>;
  /** Notes on what could not be modelled (shown in the audit report). */
  notes: string[];
  /** How many copies run (compose replicas, Pooler instances): clients are spread over them. */
  instances: number;
  /** Why the image's entrypoint stops before PgBouncer starts, where the cause is written. */
  startupErrors: { message: string; file: string; span: Span }[];
}

/** Where a client connection goes. */
export type Route =
  | { kind: 'pooler'; pooler: Pooler; portMatches: boolean; expectedPorts: number[] }
  | { kind: 'backend'; pooler: Pooler; backend: Backend }
  | { kind: 'unknown' };

export interface RoutedConnection extends ClientConnection {
  route: Route;
  /** The workload's replicas (1 without one): how many copies of this client pool run. */
  replicas: number;
}

export interface Deployment {
  root: string;
  poolers: Pooler[];
  workloads: Workload[];
  connections: RoutedConnection[];
  /** The text of every file the audit read, by absolute path (to turn spans into lines). */
  texts: ReadonlyMap<string, string>;
  problems: ReadProblem[];
  /** Files found and what they were taken for, relative to root (the audit report lists them). */
  files: { path: string; kind: string }[];
}
