// Hand-made oracle cases for what PgBouncer checks after it has read the file (issue #13): TLS
// files and cipher strings, listeners, process files, numbers as C reads them, silent surprises and
// advisories. Verdicts come from the real binaries (`expect` from Debian's 1.18, `expectBy` from
// the releases test:releases runs); one file per topic.

import { ADVISORIES_CASES } from './advisories';
import { LISTENERS_CASES } from './listeners';
import { NUMBERS_CASES } from './numbers';
import { SURPRISES_CASES } from './surprises';
import { TLS_CASES } from './tls';

export const STARTUP_CASES = [
  ...TLS_CASES,
  ...LISTENERS_CASES,
  ...NUMBERS_CASES,
  ...SURPRISES_CASES,
  ...ADVISORIES_CASES,
];
