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

/** The deployment rules that say a URL through PgBouncer cannot work: what the proofs decide. */
export const URL_RULES = [
  'deployment-no-such-database',
  'deployment-tls-mismatch',
  'deployment-startup-parameter',
  'deployment-unknown-user',
  'deployment-wrong-port',
] as const;
export type UrlRule = (typeof URL_RULES)[number];

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
  /**
   * What our engine must say on the URL's line when the case is a repository (test/support/proof-repository.ts):
   * the rule of a refusal, or none of URL_RULES for a connection.
   */
  rule: UrlRule | null;
  /** A known disagreement of the engine with PgBouncer: why (the engine's check is then a todo). */
  engineTodo?: string;
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
    rule: null,
  },
  {
    name: "libpq's default sslmode (prefer) connects to a PgBouncer without client TLS",
    claim: 'no finding (prefer falls back to plain text)',
    pgbouncerIni: ini(),
    url: `postgres://${APP}/appdb`,
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'a database not in [databases], without a * entry, fails',
    claim: 'no such database',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/orders?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'no such database: orders' },
    rule: 'deployment-no-such-database',
  },
  {
    name: 'the same database name connects when [databases] has a * fallback',
    claim: 'no finding: * serves any name',
    pgbouncerIni: ini({ databases: ['* = host=127.0.0.1 port={{pg_port}} dbname=appdb'] }),
    url: `postgresql://${APP}/orders?sslmode=disable`,
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'a port that is not PgBouncer’s listen_port is refused',
    claim: 'the URL’s port is not the PgBouncer’s listen or published port',
    pgbouncerIni: ini(),
    url: 'postgresql://app:{{app_password}}@127.0.0.1:{{closed_port}}/appdb?sslmode=disable',
    expect: { ok: false, messageIncludes: 'ECONNREFUSED' },
    rule: 'deployment-wrong-port',
  },
  {
    name: 'a client requiring TLS fails against client_tls_sslmode = disable',
    claim: 'the client requires TLS, PgBouncer offers none',
    pgbouncerIni: ini({ settings: ['client_tls_sslmode = disable'] }),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    // node-postgres's words; libpq says "server does not support SSL, but SSL was required"
    expect: { ok: false, messageIncludes: 'does not support SSL' },
    rule: 'deployment-tls-mismatch',
  },
  {
    name: 'sslmode=disable fails against client_tls_sslmode = require',
    claim: 'PgBouncer requires TLS, the client sends plain text',
    pgbouncerIni: ini({ settings: TLS_REQUIRED }),
    url: `postgresql://${APP}/appdb?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'SSL required' },
    rule: 'deployment-tls-mismatch',
  },
  {
    name: 'sslmode=require connects to client_tls_sslmode = require',
    claim: 'no finding',
    pgbouncerIni: ini({ settings: TLS_REQUIRED }),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'pgjdbc’s extra_float_digits fails without ignore_startup_parameters',
    claim: 'JDBC without extra_float_digits in ignore_startup_parameters',
    pgbouncerIni: ini(),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: extra_float_digits' },
    rule: 'deployment-startup-parameter',
  },
  {
    name: 'pgjdbc connects when extra_float_digits is in ignore_startup_parameters',
    claim: 'no finding',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = extra_float_digits'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'pgjdbc’s currentSchema (sent as search_path) fails: 1.18 does not track search_path',
    claim: 'currentSchema is an unsupported startup parameter',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = extra_float_digits'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&currentSchema=billing&sslmode=disable',
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: search_path' },
    rule: 'deployment-startup-parameter',
  },
  {
    name: 'options=-c search_path=… fails: 1.18 takes no options startup parameter',
    claim: 'options is an unsupported startup parameter',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/appdb?sslmode=disable&options=-c%20search_path%3Dbilling`,
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: options' },
    rule: 'deployment-startup-parameter',
  },
  {
    name: 'options in ignore_startup_parameters connects, and the search_path asked for is not set',
    claim: 'the options are dropped: search_path is the server’s default',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = options'] }),
    url: `postgresql://${APP}/appdb?sslmode=disable&options=-c%20search_path%3Dbilling`,
    query: 'SHOW search_path',
    expect: { ok: true, value: '"$user", public' },
    rule: null,
  },
  {
    name: 'a user not in auth_file fails to authenticate',
    claim: 'PgBouncer cannot authenticate the user (not in auth_file, no auth_query)',
    pgbouncerIni: ini(),
    url: 'postgresql://reporting:whatever@127.0.0.1:{{port}}/appdb?sslmode=disable',
    expect: { ok: false, messageIncludes: 'SASL authentication failed' },
    rule: 'deployment-unknown-user',
  },
  {
    name: 'a URL without a database asks for the database named like its user',
    claim: 'no such database (libpq and PgBouncer take the user name)',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'no such database: app' },
    rule: 'deployment-no-such-database',
  },
  {
    name: 'database names are case-sensitive: AppDB is not appdb',
    claim: 'no such database',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/AppDB?sslmode=disable`,
    expect: { ok: false, messageIncludes: 'no such database: AppDB' },
    rule: 'deployment-no-such-database',
  },
  {
    name: 'sslmode=allow connects to client_tls_sslmode = require (plain text refused, TLS retried)',
    claim: 'no finding: only sslmode=disable cannot offer TLS',
    pgbouncerIni: ini({ settings: TLS_REQUIRED }),
    url: `postgresql://${APP}/appdb?sslmode=allow`,
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'application_name is a startup parameter PgBouncer keeps',
    claim: 'no finding',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/appdb?sslmode=disable&application_name=billing`,
    query: 'SHOW application_name',
    expect: { ok: true, value: 'billing' },
    rule: null,
  },
  {
    name: 'ignore_startup_parameters is matched as written: EXTRA_FLOAT_DIGITS does not cover pgjdbc',
    claim: 'JDBC without extra_float_digits (in its own case) in ignore_startup_parameters',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = EXTRA_FLOAT_DIGITS'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: false, messageIncludes: 'unsupported startup parameter: extra_float_digits' },
    rule: 'deployment-startup-parameter',
  },
  {
    name: 'auth_type = trust still needs the user in auth_file',
    claim: 'PgBouncer cannot authenticate the user (not in auth_file, no auth_query)',
    pgbouncerIni: ini({ settings: ['auth_type = trust'] }),
    url: 'postgresql://reporting:whatever@127.0.0.1:{{port}}/appdb?sslmode=disable',
    expect: { ok: false, messageIncludes: '"trust" authentication failed' },
    rule: 'deployment-unknown-user',
  },
  {
    name: 'client_tls_sslmode left unset is disable: a client requiring TLS fails',
    claim: 'the client requires TLS, PgBouncer offers none (its default)',
    pgbouncerIni: ini(),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    expect: { ok: false, messageIncludes: 'does not support SSL' },
    rule: 'deployment-tls-mismatch',
  },
  {
    name: 'sslmode=require connects to client_tls_sslmode = prefer (TLS offered, not required)',
    claim: 'no finding',
    pgbouncerIni: ini({
      settings: [
        'client_tls_sslmode = prefer',
        'client_tls_key_file = {{tls_key_file}}',
        'client_tls_cert_file = {{tls_cert_file}}',
      ],
    }),
    url: `postgresql://${APP}/appdb?sslmode=require`,
    expect: { ok: true },
    rule: null,
  },
  {
    name: 'ignore_startup_parameters as a list with blanks covers each of its names',
    claim: 'no finding',
    pgbouncerIni: ini({ settings: ['ignore_startup_parameters = options ,  extra_float_digits'] }),
    url: 'jdbc:postgresql://127.0.0.1:{{port}}/appdb?user=app&password={{app_password}}&sslmode=disable',
    expect: { ok: true },
    rule: null,
  },
];
