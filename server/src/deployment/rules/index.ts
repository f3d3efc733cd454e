// Every deployment rule, in the order their findings are reported.

import type { DeploymentRule } from '../rule';
import { bypassesPooler } from './bypasses-pooler';
import { clientPoolsExceedMaxClientConn, clientPoolsExceedServerPool } from './client-pools';
import { healthcheckBlind } from './healthcheck-blind';
import { invalidUrl } from './invalid-url';
import { noSuchDatabase } from './no-such-database';
import { portExposedWithoutTls } from './port-exposed-without-tls';
import { preparedStatements } from './prepared-statements';
import { startupParameter } from './startup-parameter';
import { tlsMismatch } from './tls-mismatch';
import { unknownUser } from './unknown-user';
import { wrongPort } from './wrong-port';

export const DEPLOYMENT_RULES: readonly DeploymentRule[] = [
  invalidUrl,
  bypassesPooler,
  noSuchDatabase,
  wrongPort,
  tlsMismatch,
  unknownUser,
  startupParameter,
  preparedStatements,
  clientPoolsExceedMaxClientConn,
  clientPoolsExceedServerPool,
  portExposedWithoutTls,
  healthcheckBlind,
];
