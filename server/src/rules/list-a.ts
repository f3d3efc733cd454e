// Rules being written in parallel; merged into ./index.ts when done.
// Timeouts, pooling mode and observability.
import { idleTransactionTimeoutMissing } from './idle-transaction-timeout-missing';
import { logPoolerErrorsOff } from './log-pooler-errors-off';
import { preparedStatementsDisabled } from './prepared-statements-disabled';
import { queryTimeout } from './query-timeout';
import { queryWaitTimeoutDisabled } from './query-wait-timeout-disabled';
import { resetQueryIgnored } from './reset-query-ignored';
import type { Rule } from './rule';
import { serverIdleTimeoutRange } from './server-idle-timeout-range';
import { serverLifetimeRange } from './server-lifetime-range';
import { statementPooling } from './statement-pooling';
import { statsPeriodRange } from './stats-period-range';
import { statsUsersMissing } from './stats-users-missing';
import { syslogDisabled } from './syslog-disabled';

export const RULES_A: Rule[] = [
  queryWaitTimeoutDisabled,
  queryTimeout,
  serverLifetimeRange,
  serverIdleTimeoutRange,
  idleTransactionTimeoutMissing,
  resetQueryIgnored,
  preparedStatementsDisabled,
  statementPooling,
  logPoolerErrorsOff,
  statsPeriodRange,
  statsUsersMissing,
  syslogDisabled,
];
