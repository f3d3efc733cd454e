// Hand-made oracle cases: what PgBouncer checks at start-up (advisories). See ./index.ts.

import type { OracleCase } from '../cases';

export const ADVISORIES_CASES: OracleCase[] = [];
