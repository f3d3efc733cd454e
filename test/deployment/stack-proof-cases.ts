// What the deployment rules claim about a client's URL and a PgBouncer's configuration, as data: each
// case is proven against a real PgBouncer in stack-proofs.test.ts (and the engine's verdict on the same
// pgbouncer.ini and URL can be checked against it). The messages are PgBouncer 1.18's (the stack's);
// the sources of each are in its src/client.c and src/objects.c at tag pgbouncer_1_18_0.
//
// Placeholders, filled by fillProofTemplate:
//   {{port}}          the PgBouncer's listen_port          {{pg_port}}        PostgreSQL's port
//   {{dir}}           the stack's directory (auth_file = {{dir}}/userlist.txt)
//   {{socket_dir}}    the PgBouncer's unix_socket_dir      {{closed_port}}    a port nothing listens on
//   {{tls_key_file}}  {{tls_cert_file}}                    a key and certificate PgBouncer can read
//   {{app_password}}  the password of "app", a user in auth_file and in PostgreSQL

/** The PgBouncer release the messages and behaviours below are those of. */
export const STACK_RELEASE = '1.18';

export interface StackProofCase {
  name: string;
  /** What a deployment rule says about this URL (the claim the case proves). */
  claim: string;
  /** The whole pgbouncer.ini, with placeholders. */
  pgbouncerIni: string;
  /** The client's connection string as an application holds it, with placeholders. */
  url: string;
  /** Run after login (default SELECT 1); with expect.value, its first column. */
  query?: string;
  expect: { ok: true; value?: string } | { ok: false; messageIncludes: string };
}

export type ProofValues = Record<
  | 'port'
  | 'pg_port'
  | 'dir'
  | 'socket_dir'
  | 'closed_port'
  | 'tls_key_file'
  | 'tls_cert_file'
  | 'app_password',
  string
>;

export function fillProofTemplate(template: string, values: ProofValues): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? values[name as keyof ProofValues] : whole,
  );
}

/** A pgbouncer.ini as a deployment has one: [databases] appdb and postgres, SCRAM with an auth_file. */
function ini(options: { databases?: string[]; settings?: string[] } = {}): string {
  const databases = options.databases ?? [
    'appdb = host=127.0.0.1 port={{pg_port}} dbname=appdb',
    'postgres = host=127.0.0.1 port={{pg_port}} dbname=postgres',
  ];
  return [
    '[databases]',
    ...databases,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    'listen_port = {{port}}',
    'unix_socket_dir = {{socket_dir}}',
    'auth_type = scram-sha-256',
    'auth_file = {{dir}}/userlist.txt',
    'pool_mode = transaction',
    'logfile =',
    'pidfile =',
    ...(options.settings ?? []),
    '',
  ].join('\n');
}

const TLS_REQUIRED = [
  'client_tls_sslmode = require',
  'client_tls_key_file = {{tls_key_file}}',
  'client_tls_cert_file = {{tls_cert_file}}',
];
const APP = 'app:{{app_password}}@127.0.0.1:{{port}}';

export const STACK_PROOF_CASES: StackProofCase[] = [
  {
    name: 'a URL to a database of [databases] connects',
    claim: 'no finding',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/appdb?sslmode=disable`,
    expect: { ok: true },
  },
  {
    name: "libpq's default sslmode (prefer) connects to a PgBouncer without client TLS",
    claim: 'no finding (prefer falls back to plain text)',
    pgbouncerIni: ini(),
    url: `postgres://${APP}/appdb`,
    expect: { ok: true },
  },
  {
    name: 'a database not in [databases], without a * entry, fails',
    claim: 'no such database',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/orders?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'no such database: orders' },
  },
  {
    name: 'the same database name connects when [databases] has a * fallback',
    claim: 'no finding: * serves any name',
    pgbouncerIni: ini({ databases: ['* = host=127.0.0.1 port={{pg_port}} dbname=appdb'] }),
    url: `postgresql://${APP}/orders?sslmode=disable`,
    expect: { ok: true },
  },
  {
    name: 'a port that is not PgBouncer’s listen_port is refused',
    claim: 'the URL’s port is not the PgBouncer’s listen or published port',
    pgbouncerIni: ini(),
    url: 'postgresql://app:{{app_password}}@127.0.0.1:{{closed_port}}/appdb?sslmode=disable',
    expect: { ok: false, messageIncludes: 'ECONNREFUSED' },
  },
  {
    name: 'a client requiring TLS fails against client_tls_sslmode = disable',
    claim: 'the client requires TLS, PgBouncer offers none',
    pgbouncerIni: ini({ settings: ['client_tls_sslmode = disable'] }),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    // node-postgres's words; libpq says "server does not support SSL, but SSL was required"
    expect: { ok: false, messageIncludes: 'does not support SSL' },
  },
  {
    name: 'sslmode=disable fails against client_tls_sslmode = require',
    claim: 'PgBouncer requires TLS, the client sends plain text',
    pgbouncerIni: ini({ settings: TLS_REQUIRED }),
    url: `postgresql://${APP}/appdb?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'SSL required' },
  },
  {
    name: 'sslmode=require connects to client_tls_sslmode = require',
    claim: 'no finding',
    pgbouncerIni: ini({ settings: TLS_REQUIRED }),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    expect: { ok: true },
  },
  {
    name: 'pgjdbc’s extra_float_digits fails without ignore_startup_parameters',
    claim: 'JDBC without extra_float_digits in ignore_startup_parameters',
    pgbouncerIni: ini(),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: extra_float_digits' },
  },
  {
    name: 'pgjdbc connects when extra_float_digits is in ignore_startup_parameters',
    claim: 'no finding',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = extra_float_digits'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: true },
  },
  {
    name: 'pgjdbc’s currentSchema (sent as search_path) fails: 1.18 does not track search_path',
    claim: 'currentSchema is an unsupported startup parameter',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = extra_float_digits'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&currentSchema=billing&sslmode=disable',
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: search_path' },
  },
  {
    name: 'options=-c search_path=… fails: 1.18 takes no options startup parameter',
    claim: 'options is an unsupported startup parameter',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/appdb?sslmode=disable&options=-c%20search_path%3Dbilling`,
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: options' },
  },
  {
    name: 'options in ignore_startup_parameters connects, and the search_path asked for is not set',
    claim: 'the options are dropped: search_path is the server’s default',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = options'] }),
    url: `postgresql://${APP}/appdb?sslmode=disable&options=-c%20search_path%3Dbilling`,
    query: 'SHOW search_path',
    expect: { ok: true, value: '"$user", public' },
  },
  {
    name: 'a user not in auth_file fails to authenticate',
    claim: 'PgBouncer cannot authenticate the user (not in auth_file, no auth_query)',
    pgbouncerIni: ini(),
    url: 'postgresql://reporting:whatever@127.0.0.1:{{port}}/appdb?sslmode=disable',
    expect: { ok: false, messageIncludes: 'SASL authentication failed' },
  },
];
