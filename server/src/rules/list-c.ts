// Rules being written in parallel; merged into ./index.ts when done.
import { maxClientConnFdLimit } from './max-client-conn-fd-limit';
import { maxDbConnectionsScope } from './max-db-connections-scope';
import { minPoolAboveDefault } from './min-pool-above-default';
import { poolExceedsConnectionLimit } from './pool-exceeds-connection-limit';
import { poolsExceedPostgresMaxConnections } from './pools-exceed-postgres-max-connections';
import { reservePoolWithoutTimeout } from './reserve-pool-without-timeout';
import type { Rule } from './rule';
import { sharedDefaultPoolSize } from './shared-default-pool-size';

export const RULES_C: Rule[] = [
  minPoolAboveDefault,
  poolExceedsConnectionLimit,
  poolsExceedPostgresMaxConnections,
  maxClientConnFdLimit,
  reservePoolWithoutTimeout,
  sharedDefaultPoolSize,
  maxDbConnectionsScope,
];
