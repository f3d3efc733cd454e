// Lines PgBouncer cannot read: a syntax error, and a NUL character, where PgBouncer stops reading.

import type { Check } from './check';

export const syntaxErrors: Check = {
  name: 'syntax errors and NUL characters',
  reports: ['syntax-error', 'nul-character'],
  syntaxError(event, context) {
    context.report(event.file, event.error.span, 'syntax-error', event.error.message);
  },
  afterPass(context) {
    for (const file of context.model.files) {
      if (file.parsed.nulOffset !== null) {
        context.report(
          file,
          { start: file.parsed.nulOffset, end: file.parsed.nulOffset + 1 },
          'nul-character',
          'PgBouncer stops reading the file at this NUL character; everything after it is ignored.',
        );
      }
    }
  },
};
