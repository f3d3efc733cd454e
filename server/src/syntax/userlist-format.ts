// What PgBouncer's auth_file reader (load_auth_file in src/loader.c) accepts, per release.
// Facts from the PgBouncer sources of each release tag; the SCRAM release comes from the catalog.

import { availableIn, setting, UNRELEASED } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';

interface Limits {
  since: string;
  /** MAX_USERNAME: a name must be shorter, in bytes as written (a "" escape counts twice). */
  userBytes: number;
  /** MAX_PASSWORD: likewise for the secret. */
  secretBytes: number;
}

/** include/bouncer.h (src/bouncer.h before 1.9), oldest first. */
const LIMITS: readonly Limits[] = [
  { since: '1.0', userBytes: 64, secretBytes: 64 },
  { since: '1.8', userBytes: 64, secretBytes: 128 },
  { since: '1.11.0', userBytes: 64, secretBytes: 160 },
  { since: '1.16.0', userBytes: 128, secretBytes: 996 },
  { since: '1.17.0', userBytes: 128, secretBytes: 2048 },
  { since: UNRELEASED, userBytes: 128, secretBytes: 65531 },
];

/** load_auth_file skips lines starting with ';' from 1.6 on; before, they end the file. */
const COMMENTS_SINCE = '1.6';

export interface UserlistFormat {
  userBytes: number;
  secretBytes: number;
  /** ';' lines are comments. */
  comments: boolean;
  /** SCRAM secrets are recognised (otherwise they are plain-text passwords). */
  scram: boolean;
  /** The release that first recognises SCRAM secrets, for messages. */
  scramSince: string;
}

/** SCRAM secrets came with auth_type = scram-sha-256. */
const SCRAM_SINCE =
  setting('pgbouncer', 'auth_type')?.values?.find((value) => value.name === 'scram-sha-256')?.addedIn ??
  '1.11.0';

export function userlistFormat(target: Version): UserlistFormat {
  let limits = LIMITS[0];
  for (const entry of LIMITS) if (availableIn(entry.since, target)) limits = entry;
  return {
    userBytes: limits.userBytes,
    secretBytes: limits.secretBytes,
    comments: availableIn(COMMENTS_SINCE, target),
    scram: availableIn(SCRAM_SINCE, target),
    scramSince: SCRAM_SINCE,
  };
}
