// Where PgBouncer listens, after the pass: a negative listen_port, and neither a TCP address nor a
// Unix socket directory.

import { readCInt } from '../catalog/values';
import type { Check } from './check';

export const listeners: Check = {
  name: 'listeners',
  reports: ['invalid-port', 'nowhere-to-listen'],
  afterPass(context) {
    const port = context.mainSettings.get('listen_port');
    if (port) {
      const reading = readCInt(port.entry.value.text);
      if (reading.ok && reading.stored < 0 && context.mainValue('listen_addr') !== '') {
        context.report(
          port.file,
          port.entry.value.span,
          'invalid-port',
          `listen_port ${reading.stored} is negative; PgBouncer cannot resolve the listen address with it and refuses to start.`,
        );
      }
    }
    if (context.mainHeaderCount === 0) return;
    if (context.mainValue('listen_addr') === '' && context.mainValue('unix_socket_dir') === '') {
      const at = context.mainSettings.get('unix_socket_dir') ?? context.mainSettings.get('listen_addr');
      const message =
        'Neither listen_addr nor unix_socket_dir is set, so PgBouncer has nowhere to listen and refuses to start.';
      if (at) context.report(at.file, at.entry.key.span, 'nowhere-to-listen', message);
      else context.report(context.model.root, { start: 0, end: 0 }, 'nowhere-to-listen', message);
    }
  },
};
