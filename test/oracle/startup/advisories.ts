// Hand-made oracle cases: what PgBouncer checks at start-up (advisories). See ./index.ts.
//
// Configurations the known-vulnerability rule reports (schemas/pgbouncer-advisories.json): an
// advisory is a warning, never an error, because each of them starts. Verdicts measured with
// Debian's 1.18.0 (`expect`) and release builds of 1.21.0, 1.24.1 and 1.25.2 (`expectBy`).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OracleCase } from '../cases';
import { makeTestCa } from '../../support/tls';

/** A server key and certificate for client TLS, or null without openssl. */
function tlsFiles(): Record<string, string> | null {
  try {
    const ca = makeTestCa(fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-advisories-tls-')));
    return {
      'server.key': fs.readFileSync(ca.serverKey, 'utf8'),
      'server.crt': fs.readFileSync(ca.serverCert, 'utf8'),
    };
  } catch {
    return null;
  }
}
const TLS = tlsFiles();

const DB = '[databases]\napp = host=127.0.0.1 dbname=app\n\n';
const MAIN = `${DB}[pgbouncer]\nauth_file = {{dir}}/userlist.txt\n`;
const USERLIST = { 'userlist.txt': '"pgbouncer_auth" "secret"\n"monitor" "secret"\n' };
const VALID_UNTIL_QUERY =
  'SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END FROM pg_authid WHERE rolname=$1 AND rolcanlogin';
const EVERYWHERE = { '1.21': 'accept', '1.24': 'accept', '1.25': 'accept' } as const;

const CLIENT_TLS: OracleCase = {
  name: 'advisories: client TLS allowed (CVE-2021-3935 before 1.16.1)',
  config: `${MAIN}client_tls_sslmode = allow\nclient_tls_key_file = {{dir}}/server.key\nclient_tls_cert_file = {{dir}}/server.crt\n`,
  extraFiles: { ...USERLIST, ...TLS },
  expect: 'accept',
  expectBy: { ...EVERYWHERE },
};

export const ADVISORIES_CASES: OracleCase[] = [
  {
    name: 'advisories: a minimal configuration (every release before 1.25.2 has CVE-2026-6664)',
    config: MAIN,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: auth_user with the default auth_query (CVE-2025-2291 before 1.24.1)',
    config: `${MAIN}auth_user = pgbouncer_auth\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: auth_user per database (CVE-2025-2291)',
    config: `[databases]\napp = host=127.0.0.1 dbname=app auth_user=pgbouncer_auth\n\n[pgbouncer]\nauth_file = {{dir}}/userlist.txt\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: a custom auth_query that ignores VALID UNTIL (CVE-2025-2291)',
    config: `${MAIN}auth_user = pgbouncer_auth\nauth_query = SELECT usename, passwd FROM pg_shadow WHERE usename=$1\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: an auth_query that checks VALID UNTIL (no CVE-2025-2291)',
    config: `${MAIN}auth_user = pgbouncer_auth\nauth_query = ${VALID_UNTIL_QUERY}\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: auth_type = hba with auth_user (CVE-2025-2291)',
    config: `${MAIN}auth_type = hba\nauth_hba_file = {{dir}}/hba.conf\nauth_user = pgbouncer_auth\n`,
    extraFiles: { ...USERLIST, 'hba.conf': 'host all all 127.0.0.1/32 md5\n' },
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: stats_users (CVE-2026-6667 on 1.24.0 to 1.25.1)',
    config: `${MAIN}admin_users = pgbouncer_auth\nstats_users = monitor\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: stats_users with auth_type = any (CVE-2026-6667)',
    config: `${DB}[pgbouncer]\nauth_type = any\nstats_users = monitor\n`,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: automatic databases with "*" (CVE-2012-4575 before 1.5.3)',
    config: `[databases]\n* = host=127.0.0.1\n\n[pgbouncer]\nauth_file = {{dir}}/userlist.txt\n`,
    extraFiles: USERLIST,
    expect: 'accept',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: search_path tracked with auth_user and the default auth_query (CVE-2025-12819)',
    config: `${MAIN}auth_user = pgbouncer_auth\ntrack_extra_parameters = IntervalStyle, search_path\n`,
    extraFiles: USERLIST,
    since: '1.21',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: search_path tracked, auth_user, an unqualified lookup function (CVE-2025-12819)',
    config: `${MAIN}auth_user = pgbouncer_auth\nauth_query = SELECT usename, passwd FROM get_auth($1)\ntrack_extra_parameters = search_path\n`,
    extraFiles: USERLIST,
    since: '1.21',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: 'advisories: search_path tracked, a schema-qualified lookup function (no CVE-2025-12819)',
    config: `${MAIN}auth_user = pgbouncer_auth\nauth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)\ntrack_extra_parameters = IntervalStyle, search_path\n`,
    extraFiles: USERLIST,
    since: '1.21',
    expectBy: { ...EVERYWHERE },
  },
  {
    name: "advisories: search_path tracked, a database's own auth_user and auth_query (CVE-2025-12819)",
    config: `[databases]\napp = host=127.0.0.1 dbname=app auth_user=pgbouncer_auth auth_query='SELECT usename, passwd FROM get_auth($1)'\n\n[pgbouncer]\nauth_file = {{dir}}/userlist.txt\ntrack_extra_parameters = search_path\n`,
    extraFiles: USERLIST,
    since: '1.22',
    expectBy: { '1.24': 'accept', '1.25': 'accept' },
  },
  {
    name: 'advisories: auth_dbname with auth_user (CVE-2025-2291 where the release has it)',
    config: `[databases]\nauthdb = host=127.0.0.1 dbname=postgres\napp = host=127.0.0.1 dbname=app\n\n[pgbouncer]\nauth_file = {{dir}}/userlist.txt\nauth_user = pgbouncer_auth\nauth_dbname = authdb\n`,
    extraFiles: USERLIST,
    since: '1.21',
    expectBy: { ...EVERYWHERE },
  },
  // Client TLS needs a real key and certificate (openssl); without them the case is left out.
  ...(TLS ? [CLIENT_TLS] : []),
];
