// Quoted keys ("key" = value), which PgBouncer reads only from GRAMMAR.quotedKeysSince on.

import { GRAMMAR, availableIn, versionLabel } from '../catalog/catalog';
import { ACCEPTED, REFUSED } from './check';
import type { Check } from './check';

export const quotedKeys: Check = {
  name: 'quoted keys',
  reports: ['newer-than-target'],
  entriesIn: ['pgbouncer', 'databases', 'users', 'peers'],
  entry(at, context) {
    if (!at.entry.key.quoted || availableIn(GRAMMAR.quotedKeysSince, context.target)) return ACCEPTED;
    context.report(
      at.file,
      at.entry.key.span,
      'newer-than-target',
      `Quoted keys are read from ${versionLabel(GRAMMAR.quotedKeysSince)} on; PgBouncer ${context.target.label} reports a syntax error here.`,
    );
    return REFUSED;
  },
};
