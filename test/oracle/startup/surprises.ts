// Hand-made oracle cases: what PgBouncer checks at start-up (surprises). See ./index.ts.

import type { OracleCase } from '../cases';

export const SURPRISES_CASES: OracleCase[] = [];
