// Every audit rule, one file each. Adding a rule: write the file, list it here, add fixtures in
// test/fixtures/rules/ (one where it fires, one where it does not), then run
// `npx tsx scripts/write-rc-schema.ts` and `npx tsx scripts/write-docs.ts`.

import { adminUsersMissing } from './admin-users-missing';
import { applicationUserInAdminList } from './application-user-in-admin-list';
import { authQueryWithoutAuthUser } from './auth-query-without-auth-user';
import { authTypeInsecure } from './auth-type-insecure';
import { authTypeMd5 } from './auth-type-md5';
import { authUserNotInAuthFile } from './auth-user-not-in-auth-file';
import { clientIdleTimeoutDisabled } from './client-idle-timeout-disabled';
import { clientTlsNotRequired } from './client-tls-not-required';
import { consoleUserNotInAuthFile } from './console-user-not-in-auth-file';
import { hbaWithoutFile } from './hba-without-file';
import { hbaLineDropped } from './hba-line-dropped';
import { idleTransactionTimeoutMissing } from './idle-transaction-timeout-missing';
import { knownVulnerability } from './known-vulnerability';
import { listSemicolon } from './list-semicolon';
import { listenAllInterfacesWithoutTls } from './listen-all-interfaces-without-tls';
import { logPoolerErrorsOff } from './log-pooler-errors-off';
import { maxClientConnFdLimit } from './max-client-conn-fd-limit';
import { maxDbConnectionsScope } from './max-db-connections-scope';
import { minPoolAboveDefault } from './min-pool-above-default';
import { passwordInConnectionString } from './password-in-connection-string';
import { pktBufTooSmall } from './pkt-buf-too-small';
import { poolExceedsConnectionLimit } from './pool-exceeds-connection-limit';
import { poolsExceedPostgresMaxConnections } from './pools-exceed-postgres-max-connections';
import { preparedStatementsDisabled } from './prepared-statements-disabled';
import { queryTimeout } from './query-timeout';
import { queryWaitTimeoutDisabled } from './query-wait-timeout-disabled';
import { reservePoolWithoutTimeout } from './reserve-pool-without-timeout';
import { resetQueryIgnored } from './reset-query-ignored';
import { serverIdleTimeoutRange } from './server-idle-timeout-range';
import { serverLifetimeRange } from './server-lifetime-range';
import { serverTlsNotVerified } from './server-tls-not-verified';
import { settingNameAsEntry } from './setting-name-as-entry';
import { sharedDefaultPoolSize } from './shared-default-pool-size';
import { statementPooling } from './statement-pooling';
import { statsPeriodRange } from './stats-period-range';
import { statsUsersMissing } from './stats-users-missing';
import { syslogFacilityUnknown } from './syslog-facility-unknown';
import { syslogDisabled } from './syslog-disabled';
import { tlsOldProtocols } from './tls-old-protocols';
import { tlsVerifyWithoutCa } from './tls-verify-without-ca';
import { tlsWeakCiphers } from './tls-weak-ciphers';
import { unixSocketModeDecimal } from './unix-socket-mode-decimal';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [
  // Security: TLS and network exposure
  clientTlsNotRequired,
  listenAllInterfacesWithoutTls,
  serverTlsNotVerified,
  tlsVerifyWithoutCa,
  tlsOldProtocols,
  tlsWeakCiphers,
  passwordInConnectionString,
  knownVulnerability,
  // Authentication
  authTypeInsecure,
  authTypeMd5,
  authQueryWithoutAuthUser,
  authUserNotInAuthFile,
  hbaWithoutFile,
  hbaLineDropped,
  adminUsersMissing,
  consoleUserNotInAuthFile,
  applicationUserInAdminList,
  // Timeouts
  clientIdleTimeoutDisabled,
  queryWaitTimeoutDisabled,
  queryTimeout,
  serverLifetimeRange,
  serverIdleTimeoutRange,
  idleTransactionTimeoutMissing,
  // Pool sizing
  minPoolAboveDefault,
  poolExceedsConnectionLimit,
  poolsExceedPostgresMaxConnections,
  maxClientConnFdLimit,
  reservePoolWithoutTimeout,
  sharedDefaultPoolSize,
  maxDbConnectionsScope,
  // Pooling mode and configuration quality
  resetQueryIgnored,
  preparedStatementsDisabled,
  statementPooling,
  // Observability
  logPoolerErrorsOff,
  statsPeriodRange,
  statsUsersMissing,
  syslogDisabled,
  // Silent surprises: PgBouncer starts, but reads the value otherwise than it looks
  unixSocketModeDecimal,
  syslogFacilityUnknown,
  listSemicolon,
  settingNameAsEntry,
  pktBufTooSmall,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
