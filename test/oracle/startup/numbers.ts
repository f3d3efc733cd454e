// Hand-made oracle cases: what PgBouncer checks at start-up (numbers). See ./index.ts.

import type { OracleCase } from '../cases';

export const NUMBERS_CASES: OracleCase[] = [];
