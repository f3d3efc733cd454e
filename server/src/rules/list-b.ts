// Rules being written in parallel; merged into ./index.ts when done.
import { adminUsersMissing } from './admin-users-missing';
import { applicationUserInAdminList } from './application-user-in-admin-list';
import { authQueryWithoutAuthUser } from './auth-query-without-auth-user';
import { authTypeInsecure } from './auth-type-insecure';
import { authTypeMd5 } from './auth-type-md5';
import { clientTlsNotRequired } from './client-tls-not-required';
import { hbaWithoutFile } from './hba-without-file';
import { listenAllInterfacesWithoutTls } from './listen-all-interfaces-without-tls';
import { passwordInConnectionString } from './password-in-connection-string';
import type { Rule } from './rule';
import { serverTlsNotVerified } from './server-tls-not-verified';
import { tlsOldProtocols } from './tls-old-protocols';
import { tlsVerifyWithoutCa } from './tls-verify-without-ca';
import { tlsWeakCiphers } from './tls-weak-ciphers';

export const RULES_B: Rule[] = [
  // Security: TLS and network exposure
  clientTlsNotRequired,
  listenAllInterfacesWithoutTls,
  serverTlsNotVerified,
  tlsVerifyWithoutCa,
  tlsOldProtocols,
  tlsWeakCiphers,
  passwordInConnectionString,
  // Authentication
  authTypeInsecure,
  authTypeMd5,
  authQueryWithoutAuthUser,
  hbaWithoutFile,
  adminUsersMissing,
  applicationUserInAdminList,
];
