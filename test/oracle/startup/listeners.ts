// Hand-made oracle cases: what PgBouncer checks at start-up (listeners). See ./index.ts.

import type { OracleCase } from '../cases';

export const LISTENERS_CASES: OracleCase[] = [];
