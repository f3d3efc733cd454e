// Hand-made oracle cases: what PgBouncer checks at start-up (tls). See ./index.ts.

import type { OracleCase } from '../cases';

export const TLS_CASES: OracleCase[] = [];
