// What the readers of a deployment produce: workloads (compose services, Kubernetes workloads), the
// environment they run with, the files they mount, and every place a value came from, so that a
// finding lands on the line where its cause is. Plain data: the deployment model (deployment/) joins it.

import type { Span } from '../../syntax/syntax';

/** A value read from a file: its text as the program sees it (unquoted, interpolated) and where it is. */
export interface SourceValue {
  /** The value as the program receives it. */
  text: string;
  /** Absolute path of the file the value is written in. */
  file: string;
  /** Offsets of the value as written (for YAML, the scalar with its quotes; for .env, after `=`). */
  span: Span;
}

/** One environment variable as a workload receives it, and the line that set it. */
export interface EnvVar {
  name: string;
  value: SourceValue;
  /** Offsets of the name where it is written (the same file as value). */
  nameSpan: Span;
  /**
   * Where it came from: an `.env` file or env_file, a compose `environment:`, a Kubernetes `env`,
   * a ConfigMap or Secret read through envFrom or valueFrom.
   */
  origin: 'env-file' | 'compose' | 'kubernetes-env' | 'configmap' | 'secret';
  /** Kubernetes valueFrom/envFrom: where the workload names the ConfigMap or Secret (value is in that object's file). */
  via?: SourceValue;
}

/** A port a workload publishes to the outside (compose `ports:`; Kubernetes Service ports). */
export interface PublishedPort {
  /** The address it is bound to on the host; undefined means all interfaces. */
  hostIp?: string;
  /** The port on the host (or the Service port); undefined when the engine picks one. */
  published?: number;
  /** The port inside the container. */
  target: number;
  protocol: 'tcp' | 'udp';
  at: SourceValue;
  /** Reachable only inside the cluster (a ClusterIP Service, or a NodePort Service's own port). */
  internal?: boolean;
}

/** A file or ConfigMap key mounted into the container. */
export interface Mount {
  /** Path inside the container, e.g. /etc/pgbouncer/pgbouncer.ini (or a directory). */
  target: string;
  /** Absolute path on the host of what is mounted (bind mounts), when it is a file of the repository. */
  hostPath?: string;
  /** A ConfigMap or Secret key mounted at target: the text it holds and where it is written. */
  content?: SourceValue;
  at: SourceValue;
}

export interface Workload {
  kind: 'compose-service' | 'kubernetes';
  /** The compose service name, or the Kubernetes object's metadata.name. */
  name: string;
  /** Kubernetes: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod; compose: 'service'. */
  objectKind: string;
  /** Kubernetes container name (one Workload per container); undefined for compose. */
  container?: string;
  /** Where the service or object is defined (its key or metadata.name). */
  file: string;
  span: Span;
  image?: SourceValue;
  /** The environment the container runs with, in order; a later variable of the same name wins. */
  env: EnvVar[];
  /** compose deploy.replicas / scale, Kubernetes spec.replicas; 1 when not said. */
  replicas: number;
  replicasAt?: SourceValue;
  ports: PublishedPort[];
  /** Ports the container says it listens on (compose expose:, Kubernetes containerPort). */
  containerPorts: number[];
  /** compose `ulimits: nofile` (soft limit, the one that counts for a process). */
  nofile?: { soft: number; hard: number; at: SourceValue };
  mounts: Mount[];
  /** The healthcheck's command as written (compose healthcheck.test, Kubernetes readiness/liveness). */
  healthcheck?: { command: string; at: SourceValue; disabled: boolean };
  /** compose command / Kubernetes args+command, joined with spaces, when set. */
  command?: SourceValue;
  /** Names other workloads reach it by: service name, container_name, network aliases, Service names. */
  hostnames: string[];
  /** Jobs, init containers, services named for migrations: their connections are expected to go direct. */
  purpose: 'runtime' | 'migration';
}

/** A problem in a file the readers could not get past (YAML syntax, a bad interpolation). */
export interface ReadProblem {
  file: string;
  span: Span;
  message: string;
  severity: 'error' | 'warning' | 'information';
  /** A stable id, e.g. 'compose-interpolation', 'yaml-syntax'. */
  code: string;
}

/** A PostgreSQL connection string as a client library reads it (deployment/read/urls.ts). */
export interface ParsedUrl {
  /** uri: postgres:// and postgresql:// (with +driver); keyword: libpq `host=… dbname=…`; jdbc: jdbc:postgresql:// */
  form: 'uri' | 'keyword' | 'jdbc';
  /** The scheme's driver part: 'asyncpg' for postgresql+asyncpg://, 'psycopg2', …; undefined for none. */
  driver?: string;
  /** One per host of a multi-host string, in order; port undefined when not written (the client's default, 5432). */
  hosts: { host: string; port?: number }[];
  database?: string;
  user?: string;
  /** Whether a password is in the string (never the password itself: messages must not show it). */
  hasPassword: boolean;
  /** Query or keyword parameters after percent-decoding, by name as written (last one wins). */
  params: ReadonlyMap<string, string>;
  /** Why the string is not a usable connection string, when it is not (empty when it is). */
  problems: string[];
}

/** A connection to PostgreSQL (through PgBouncer or not) that some application makes. */
export interface ClientConnection {
  /** The string as written and where: a URL, a JDBC URL, or the value of DB_HOST when built from parts. */
  at: SourceValue;
  url: ParsedUrl;
  /** The variable or setting that holds it: DATABASE_URL, spring.datasource.url, production.url, … */
  setting: string;
  /** Who makes it: the workload whose environment has it, else the file's own application. */
  workload?: Workload;
  /** The application framework the setting belongs to. */
  framework: 'env' | 'prisma' | 'spring' | 'rails' | 'sqlalchemy' | 'jdbc';
  /** Migrations and administration are expected to go straight to PostgreSQL (never flagged as bypassing). */
  purpose: 'runtime' | 'migration' | 'admin';
  /** The application's pool size for this connection, and where it is set (DB_POOL_SIZE, Hikari, Rails pool, Prisma connection_limit). */
  poolSize?: { size: number; at: SourceValue };
  /** Extra connections the pool may open past its size (SQLAlchemy max_overflow). */
  poolOverflow?: { size: number; at: SourceValue };
  /** Whether the client keeps server-side prepared statements (Rails prepared_statements, asyncpg's cache, Prisma without pgbouncer=true). */
  preparedStatements?: { on: boolean; at: SourceValue; why: string };
}
