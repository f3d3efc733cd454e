// The PgBouncers that Kubernetes operators run for a manifest that asks for one: a CloudNativePG
// `Pooler` and the Zalando postgres-operator's connection pooler. Each is modelled as the
// pgbouncer.ini the operator writes (its fixed lines, its defaults, the parameters it allows), with
// each generated line traced to the manifest value it came from, so the engine lints it like a file.

import type { Span } from '../../syntax/syntax';
import type { KubeObject } from './kube-objects';
import { textOf } from './kube-objects';
import type { ReadProblem, SourceValue } from './types';
import { isScalar } from 'yaml';
import { entriesOf, getEntry, itemsOf, sourceValue } from './yaml-source';
import type { YamlNode } from './yaml-source';

export interface OperatorPooler {
  operator: 'cloudnative-pg' | 'zalando';
  /** The Pooler's name (CloudNativePG) or the postgresql cluster's name (Zalando). */
  name: string;
  namespace: string;
  file: string;
  span: Span;
  /** Pods running PgBouncer. */
  instances: number;
  /** The PgBouncer settings the manifest writes, by PgBouncer's name for them. */
  settings: { name: string; value: SourceValue }[];
  /** The pgbouncer.ini the operator generates, complete. */
  generatedIni: string;
  /** Per line of generatedIni: the manifest value it came from; undefined for lines the operator fixes. */
  lineSources: (SourceValue | undefined)[];
  /** The PgBouncer release, when the image tag says it. */
  release?: string;
  /** The host PgBouncer's `[databases]` point at (a Service of the PostgreSQL cluster). */
  clusterHost: string;
  /** The Service clients reach the pooler by. */
  serviceName: string;
  port: number;
  /** What the model assumes or could not see (operator configuration, secrets not in the files). */
  notes: string[];
}

export type ConfigLookup = (
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
) => { entries: { key: string; value: SourceValue }[]; type?: string } | undefined;

interface Line {
  text: string;
  source?: SourceValue;
}

function render(lines: Line[]): { generatedIni: string; lineSources: (SourceValue | undefined)[] } {
  return {
    generatedIni: lines.map((l) => l.text).join('\n') + '\n',
    lineSources: lines.map((l) => l.source),
  };
}

/** A PgBouncer release in an image tag: `ghcr.io/cloudnative-pg/pgbouncer:1.23.0`, `…:1.22.1-3`. */
export function releaseOfImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  return /^v?(\d+\.\d+(?:\.\d+)?)/.exec(withoutDigest.slice(colon + 1))?.[1];
}

function problem(
  object: KubeObject,
  span: Span,
  message: string,
  code: string,
  severity: ReadProblem['severity'],
): ReadProblem {
  return { file: object.file.path, span, message, code, severity };
}

function at(object: KubeObject, node: unknown): SourceValue | undefined {
  return sourceValue(object.file, node as YamlNode | null | undefined);
}

// --- CloudNativePG -------------------------------------------------------------------------------

/** The parameters a Pooler may set (internal/webhook/v1/pooler_webhook.go); any other is refused. */
const CNPG_ALLOWED = new Set([
  'application_name_add_host',
  'auth_type',
  'auth_user',
  'autodb_idle_timeout',
  'cancel_wait_timeout',
  'client_idle_timeout',
  'client_login_timeout',
  'client_tls_ciphers',
  'client_tls_sslmode',
  'client_tls13_ciphers',
  'default_pool_size',
  'disable_pqexec',
  'dns_max_ttl',
  'dns_nxdomain_ttl',
  'idle_transaction_timeout',
  'ignore_startup_parameters',
  'listen_backlog',
  'log_connections',
  'log_disconnections',
  'log_pooler_errors',
  'log_stats',
  'max_client_conn',
  'max_db_connections',
  'max_packet_size',
  'max_prepared_statements',
  'max_user_connections',
  'min_pool_size',
  'pkt_buf',
  'query_timeout',
  'query_wait_timeout',
  'reserve_pool_size',
  'reserve_pool_timeout',
  'sbuf_loopcnt',
  'server_check_delay',
  'server_check_query',
  'server_connect_timeout',
  'server_fast_close',
  'server_idle_timeout',
  'server_lifetime',
  'server_login_retry',
  'server_reset_query',
  'server_reset_query_always',
  'server_round_robin',
  'server_tls_ciphers',
  'server_tls13_ciphers',
  'server_tls_protocols',
  'server_tls_sslmode',
  'stats_period',
  'suspend_timeout',
  'tcp_defer_accept',
  'tcp_socket_buffer',
  'tcp_keepalive',
  'tcp_keepcnt',
  'tcp_keepidle',
  'tcp_keepintvl',
  'tcp_user_timeout',
  'track_extra_parameters',
  'verbose',
]);

// pkg/management/pgbouncer/config/config.go: the directory the instance manager writes to.
const CNPG_CONFIGS = '/controller/configs';

/** Defaults the operator writes unless the Pooler sets them (defaultPgBouncerParameters). */
const CNPG_DEFAULTS: Record<string, string> = {
  log_stats: '0',
  auth_type: 'hba',
  client_tls_sslmode: 'prefer',
  server_tls_sslmode: 'verify-ca',
  // Prepended to the Pooler's own list, which the operator keeps.
  ignore_startup_parameters: 'extra_float_digits,options',
};

/** Settings the operator always writes, over anything else (forcedPgBouncerParameters). */
const CNPG_FORCED: Record<string, string> = {
  unix_socket_dir: '/controller/run',
  listen_port: '5432',
  listen_addr: '*',
  admin_users: 'pgbouncer',
  auth_hba_file: `${CNPG_CONFIGS}/pg_hba.conf`,
  server_tls_ca_file: `${CNPG_CONFIGS}/server-tls/ca.crt`,
  client_tls_cert_file: `${CNPG_CONFIGS}/client-tls/tls.crt`,
  client_tls_key_file: `${CNPG_CONFIGS}/client-tls/tls.key`,
  client_tls_ca_file: `${CNPG_CONFIGS}/client-ca/ca.crt`,
};

// api/v1/pooler_types.go, api/v1/cluster_types.go
const CNPG_AUTH_QUERY = 'SELECT usename, passwd FROM public.user_search($1)';
const CNPG_POOLER_USER = 'cnpg_pooler_pgbouncer';
const CNPG_TYPES = new Set(['rw', 'ro', 'r']);

function readCnpgPooler(
  object: KubeObject,
  lookup: ConfigLookup,
  problems: ReadProblem[],
): OperatorPooler | undefined {
  const { document, node } = object;
  const notes: string[] = [];
  const spec = getEntry(document, node, 'spec')?.value;
  const clusterAt = at(object, getEntry(document, getEntry(document, spec, 'cluster')?.value, 'name')?.value);
  if (!clusterAt || clusterAt.text === '') {
    problems.push(
      problem(
        object,
        object.nameAt.span,
        `Pooler ${object.name}: spec.cluster.name is required`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
    return undefined;
  }
  if (clusterAt.text === object.name) {
    problems.push(
      problem(
        object,
        object.nameAt.span,
        `Pooler ${object.name}: CloudNativePG refuses a Pooler named like its cluster`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
  }
  const typeAt = at(object, getEntry(document, spec, 'type')?.value);
  let type = typeAt?.text || 'rw';
  if (!CNPG_TYPES.has(type)) {
    problems.push(
      problem(
        object,
        typeAt?.span ?? object.nameAt.span,
        `Pooler ${object.name}: spec.type must be rw, ro or r`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
    type = 'rw';
  }
  const instancesAt = at(object, getEntry(document, spec, 'instances')?.value);
  const instances = instancesAt && /^\d+$/.test(instancesAt.text) ? Number(instancesAt.text) : 1;

  const pgbouncer = getEntry(document, spec, 'pgbouncer')?.value;
  if (!pgbouncer) {
    problems.push(
      problem(
        object,
        object.nameAt.span,
        `Pooler ${object.name}: spec.pgbouncer is required`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
  }
  const poolModeAt = at(object, getEntry(document, pgbouncer, 'poolMode')?.value);
  const poolMode = poolModeAt?.text || 'session';
  const authQueryAt = at(object, getEntry(document, pgbouncer, 'authQuery')?.value);
  const authSecretAt = at(
    object,
    getEntry(document, getEntry(document, pgbouncer, 'authQuerySecret')?.value, 'name')?.value,
  );
  const serverTlsAt = at(
    object,
    getEntry(document, getEntry(document, pgbouncer, 'serverTLSSecret')?.value, 'name')?.value,
  );
  const hasAuthSecret = Boolean(authSecretAt?.text) || Boolean(serverTlsAt?.text);
  if (hasAuthSecret && !authQueryAt?.text) {
    problems.push(
      problem(
        object,
        (authSecretAt ?? serverTlsAt ?? object.nameAt).span,
        `Pooler ${object.name}: an auth query secret needs spec.pgbouncer.authQuery`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
  } else if (!hasAuthSecret && authQueryAt?.text) {
    problems.push(
      problem(
        object,
        authQueryAt.span,
        `Pooler ${object.name}: authQuery needs spec.pgbouncer.authQuerySecret`,
        'cnpg-pooler-invalid',
        'error',
      ),
    );
  }

  // The user's parameters, newlines removed (cleanupPgBouncerValue); refused names left out.
  const settings: { name: string; value: SourceValue }[] = [];
  const params = new Map<string, Line>();
  for (const entry of entriesOf(document, getEntry(document, pgbouncer, 'parameters')?.value)) {
    const value = at(object, entry.value);
    if (!value) continue;
    settings.push({ name: entry.key, value });
    if (!CNPG_ALLOWED.has(entry.key)) {
      problems.push(
        problem(
          object,
          entry.keySpan,
          `Pooler ${object.name}: CloudNativePG refuses the parameter '${entry.key}' (it is set by the operator or not among those a Pooler may set)`,
          'cnpg-pooler-parameter',
          'error',
        ),
      );
      continue;
    }
    if (isScalar(entry.value) && typeof entry.value.value !== 'string') {
      problems.push(
        problem(
          object,
          value.span,
          `Pooler ${object.name}: '${entry.key}' must be a quoted string: the Pooler's parameters are strings and the API server refuses a number or boolean`,
          'cnpg-pooler-parameter-type',
          'warning',
        ),
      );
    }
    params.set(entry.key, {
      text: value.text.replace(/\r\n|[\r\n\v\f\u0085\u2028\u2029]/g, ''),
      source: value,
    });
  }
  if (poolModeAt) settings.unshift({ name: 'pool_mode', value: poolModeAt });
  for (const [key, value] of Object.entries(CNPG_DEFAULTS)) {
    const own = params.get(key);
    if (!own) params.set(key, { text: value });
    else if (key === 'ignore_startup_parameters') own.text = `${value},${own.text}`;
  }
  for (const [key, value] of Object.entries(CNPG_FORCED)) params.set(key, { text: value });

  // The auth_user: an explicit parameter, else the user of the auth query secret (config.go).
  let authUser: Line = { text: '' };
  let certAuth = true;
  const authSecretName = authSecretAt?.text || (serverTlsAt?.text ? '' : `${clusterAt.text}-pooler`);
  if (authSecretName) {
    const secret = lookup('Secret', object.namespace, authSecretName);
    if (!authSecretAt?.text) {
      // The default secret is the client certificate the cluster makes for the pooler's role.
      authUser = { text: CNPG_POOLER_USER, source: clusterAt };
    } else if (secret?.type === 'kubernetes.io/tls') {
      notes.push(
        `The auth query secret ${authSecretName} is a TLS secret: auth_user is its certificate's common name, not read here`,
      );
    } else {
      certAuth = false;
      const username = secret?.entries.find((e) => e.key === 'username');
      if (username) authUser = { text: username.value.text, source: username.value };
      else
        notes.push(
          `The auth query secret ${authSecretName} is not in the files read: auth_user is its username, not known here`,
        );
    }
  } else {
    notes.push(
      `auth_user is the common name of the certificate in ${serverTlsAt?.text ?? ''}, not read here`,
    );
  }
  const explicitUser = params.get('auth_user');
  if (explicitUser && explicitUser.text !== '') authUser = explicitUser;
  params.delete('auth_user');
  if (certAuth) {
    params.set('server_tls_cert_file', { text: `${CNPG_CONFIGS}/authUser/tls.crt` });
    params.set('server_tls_key_file', { text: `${CNPG_CONFIGS}/authUser/tls.key` });
  } else {
    params.set('auth_file', { text: `${CNPG_CONFIGS}/userlist.txt` });
  }
  if (serverTlsAt?.text) {
    params.set('server_tls_cert_file', { text: `${CNPG_CONFIGS}/server-tls/tls.crt`, source: serverTlsAt });
    params.set('server_tls_key_file', { text: `${CNPG_CONFIGS}/server-tls/tls.key`, source: serverTlsAt });
  }

  // The template of config.go, rendered: a blank first line, the sections, sorted parameters.
  const lines: Line[] = [
    { text: '' },
    { text: '[databases]' },
    { text: `* = host=${clusterAt.text}-${type}`, source: typeAt ?? clusterAt },
    { text: '' },
    { text: '[pgbouncer]' },
    { text: `pool_mode = ${poolMode}`, source: poolModeAt },
    { text: `auth_user = ${authUser.text}`, source: authUser.source },
    { text: `auth_query = ${authQueryAt?.text || CNPG_AUTH_QUERY}`, source: authQueryAt },
    { text: 'auth_dbname = postgres' },
    { text: '' },
  ];
  // Go's sort.Strings: byte order.
  for (const [key, line] of [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push({ text: `${key} = ${line.text}`, source: line.source });
  }

  // The image: the pod template's pgbouncer container, else spec.pgbouncer.image, else the operator's.
  let image = textOf(document, pgbouncer, 'image');
  const podSpec = getEntry(document, getEntry(document, spec, 'template')?.value, 'spec')?.value;
  for (const container of itemsOf(document, getEntry(document, podSpec, 'containers')?.value)) {
    if (textOf(document, container, 'name') === 'pgbouncer')
      image = textOf(document, container, 'image') ?? image;
  }
  const release = releaseOfImage(image);
  if (!image)
    notes.push(
      "The image is the operator's default PgBouncer image, which depends on the operator's release",
    );
  return {
    operator: 'cloudnative-pg',
    name: object.name,
    namespace: object.namespace,
    file: object.file.path,
    span: object.nameAt.span,
    instances,
    settings,
    ...render(lines),
    ...(release ? { release } : {}),
    clusterHost: `${clusterAt.text}-${type}`,
    serviceName: object.name,
    port: 5432,
    notes,
  };
}

// --- Zalando postgres-operator -------------------------------------------------------------------

// pkg/util/config/config.go (ConnectionPooler defaults) and pkg/util/constants/pooler.go.
const ZALANDO_DEFAULT_INSTANCES = 2;
const ZALANDO_DEFAULT_MAX_DB_CONNECTIONS = 60;
const ZALANDO_MAX_CLIENT_CONN = 10000;

function readZalandoPoolers(object: KubeObject, problems: ReadProblem[]): OperatorPooler[] {
  const { document, node } = object;
  const spec = getEntry(document, node, 'spec')?.value;
  const poolerNode = getEntry(document, spec, 'connectionPooler')?.value;
  const enableAt = at(object, getEntry(document, spec, 'enableConnectionPooler')?.value);
  const replicaAt = at(object, getEntry(document, spec, 'enableReplicaConnectionPooler')?.value);
  // connection_pooler.go needMasterConnectionPoolerWorker: enabled, or a connectionPooler section
  // with enableConnectionPooler not written.
  const master = enableAt ? enableAt.text === 'true' : poolerNode !== undefined && poolerNode !== null;
  const replica = replicaAt?.text === 'true';
  if (!master && !replica) return [];

  const notes: string[] = [];
  const field = (key: string): SourceValue | undefined =>
    at(object, getEntry(document, poolerNode, key)?.value);
  const modeAt = field('mode');
  const mode = modeAt?.text || 'transaction';
  if (modeAt && mode !== 'session' && mode !== 'transaction') {
    problems.push(
      problem(
        object,
        modeAt.span,
        `postgresql ${object.name}: connectionPooler.mode must be session or transaction`,
        'zalando-pooler-invalid',
        'error',
      ),
    );
  }
  const instancesAt = field('numberOfInstances');
  let instances =
    instancesAt && /^\d+$/.test(instancesAt.text) ? Number(instancesAt.text) : ZALANDO_DEFAULT_INSTANCES;
  if (!instancesAt)
    notes.push(
      `numberOfInstances not written: the operator's configured default (${ZALANDO_DEFAULT_INSTANCES} unless changed) is assumed`,
    );
  if (instances < 1) {
    problems.push(
      problem(
        object,
        (instancesAt ?? object.nameAt).span,
        `postgresql ${object.name}: connectionPooler.numberOfInstances must be at least 1`,
        'zalando-pooler-invalid',
        'error',
      ),
    );
    instances = 1;
  }
  const maxAt = field('maxDBConnections');
  const maxTotal =
    maxAt && /^\d+$/.test(maxAt.text) ? Number(maxAt.text) : ZALANDO_DEFAULT_MAX_DB_CONNECTIONS;
  // getConnectionPoolerEnvVars: the total is shared among the instances (integer division).
  const maxDbConn = Math.floor(maxTotal / instances);
  const defaultSize = Math.floor(maxDbConn / 2);
  const reserveSize = Math.floor(defaultSize / 2);
  const sizeSource = maxAt ?? instancesAt;
  const userAt = field('user');
  const user = userAt?.text || 'pooler';
  const schemaAt = field('schema');
  const schema = schemaAt?.text || 'pooler';
  const imageAt = field('dockerImage');
  notes.push(
    "The pooler image (pooler/ in the operator's repository) builds the newest PgBouncer release at image build time: its tag is the operator's, not PgBouncer's",
    "stats_users is the operator's infrastructure roles, not in the manifest (empty here)",
  );
  const settings: { name: string; value: SourceValue }[] = [];
  if (modeAt) settings.push({ name: 'pool_mode', value: modeAt });
  if (maxAt) settings.push({ name: 'max_db_connections', value: maxAt });

  const poolers: OperatorPooler[] = [];
  for (const role of [...(master ? ['master'] : []), ...(replica ? ['replica'] : [])]) {
    // k8sres.go serviceName / connection_pooler.go connectionPoolerName.
    const host = role === 'replica' ? `${object.name}-repl` : object.name;
    const serviceName = role === 'replica' ? `${object.name}-pooler-repl` : `${object.name}-pooler`;
    const hostSource = role === 'replica' ? replicaAt : object.nameAt;
    // pooler/pgbouncer.ini.tmpl after envsubst, without its comments.
    const lines: Line[] = [
      { text: '[databases]' },
      { text: `* = host=${host} port=5432 auth_user=${user}`, source: userAt ?? hostSource },
      { text: `postgres = host=${host} port=5432 auth_user=${user}`, source: userAt ?? hostSource },
      { text: '' },
      { text: '[pgbouncer]' },
      { text: `pool_mode = ${mode}`, source: modeAt },
      { text: 'listen_port = 5432' },
      { text: 'listen_addr = *' },
      { text: `admin_users = ${user}`, source: userAt },
      { text: 'stats_users = ' },
      { text: 'auth_dbname = postgres' },
      { text: 'auth_file = /etc/pgbouncer/userlist.txt' },
      { text: `auth_query = SELECT * FROM ${schema}.user_lookup($1)`, source: schemaAt },
      { text: 'auth_type = md5' },
      { text: 'logfile = /var/log/pgbouncer/pgbouncer.log' },
      { text: 'pidfile = /var/run/pgbouncer/pgbouncer.pid' },
      { text: '' },
      { text: 'server_tls_sslmode = require' },
      { text: 'server_tls_ca_file = /etc/ssl/certs/pgbouncer.crt' },
      { text: 'server_tls_protocols = secure' },
      { text: 'client_tls_sslmode = require' },
      { text: 'client_tls_key_file = /etc/ssl/certs/pgbouncer.key' },
      { text: 'client_tls_cert_file = /etc/ssl/certs/pgbouncer.crt' },
      { text: '' },
      { text: 'log_connections = 0' },
      { text: 'log_disconnections = 0' },
      { text: 'max_prepared_statements = 200' },
      { text: `default_pool_size = ${defaultSize}`, source: sizeSource },
      { text: `reserve_pool_size = ${reserveSize}`, source: sizeSource },
      { text: `max_client_conn = ${ZALANDO_MAX_CLIENT_CONN}` },
      { text: `max_db_connections = ${maxDbConn}`, source: sizeSource },
      { text: 'idle_transaction_timeout = 600' },
      { text: 'server_login_retry = 5' },
      { text: 'ignore_startup_parameters = extra_float_digits,options' },
    ];
    poolers.push({
      operator: 'zalando',
      name: object.name,
      namespace: object.namespace,
      file: object.file.path,
      span: object.nameAt.span,
      instances,
      settings,
      ...render(lines),
      clusterHost: host,
      serviceName,
      port: 5432,
      notes: imageAt ? [...notes, `The image is ${imageAt.text}`] : notes,
    });
  }
  return poolers;
}

/** The operators' poolers among the objects, in order. */
export function readOperatorPoolers(
  objects: readonly KubeObject[],
  lookup: ConfigLookup,
  problems: ReadProblem[],
): OperatorPooler[] {
  const poolers: OperatorPooler[] = [];
  for (const object of objects) {
    if (object.kind === 'Pooler' && object.apiVersion.startsWith('postgresql.cnpg.io/')) {
      const pooler = readCnpgPooler(object, lookup, problems);
      if (pooler) poolers.push(pooler);
    } else if (object.kind === 'postgresql' && object.apiVersion === 'acid.zalan.do/v1') {
      poolers.push(...readZalandoPoolers(object, problems));
    }
  }
  return poolers;
}
