// [peers] entries (peer id = connection string).

import { GRAMMAR, settingsOf } from '../catalog/catalog';
import { readStrtonum } from '../catalog/values';
import { connStringOf } from '../syntax/connstring';
import { ACCEPTED, REFUSED } from './check';
import type { Check } from './check';
import { CONNECTION_PARAM_REPORTS, checkConnectionParams } from './connection-params';

export const peerEntries: Check = {
  name: '[peers] entries',
  reports: [
    'invalid-peer-id',
    'connection-string-syntax',
    ...CONNECTION_PARAM_REPORTS,
    'missing-required-parameter',
  ],
  entriesIn: ['peers'],
  entry(at, context) {
    const { entry, file } = at;
    const { min, max } = GRAMMAR.peerIdRange;
    if (readStrtonum(entry.key.text, min, max) === null) {
      context.report(
        file,
        entry.key.span,
        'invalid-peer-id',
        `Peer id '${entry.key.text}' must be a whole number from ${min} to ${max}.`,
      );
      return REFUSED;
    }
    const connString = connStringOf(file.parsed, entry);
    if (connString.error) {
      context.report(
        file,
        connString.error.span,
        'connection-string-syntax',
        `${connString.error.message} PgBouncer refuses this peer.`,
      );
      return REFUSED;
    }
    checkConnectionParams(at, 'peers', connString, false, context);
    for (const required of settingsOf('peers').filter((s) => s.required)) {
      if (!connString.params.some((p) => p.key === required.name)) {
        context.report(
          file,
          entry.key.span,
          'missing-required-parameter',
          `Peer ${entry.key.text} has no ${required.name}; PgBouncer refuses it.`,
        );
      }
    }
    return ACCEPTED;
  },
};
