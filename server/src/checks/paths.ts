// [pgbouncer] settings that name a file or a directory on this machine, which PgBouncer opens.

import { describeFileKind } from '../files/guarded-read';
import { setting } from '../catalog/catalog';
import { resolvePath } from '../model/config';
import { ACCEPTED } from './check';
import type { Check } from './check';
import { isReserved } from './main-values';

export const settingPaths: Check = {
  name: '[pgbouncer] paths',
  reports: ['file-not-found'],
  entriesIn: ['pgbouncer'],
  entry(at, context) {
    const known = setting('pgbouncer', at.entry.key.text);
    const value = at.entry.value.text;
    // A reserved value is refused already (main-values.ts): where it points does not matter.
    if (!known || known.type !== 'path' || value === '' || isReserved(known, value, context)) return ACCEPTED;
    const resolved = resolvePath(value, context.model.runDirectory);
    const kind = known.pathKind ?? 'input-file';
    if (kind === 'none') return ACCEPTED;
    const fs = context.fileSystem;
    if (kind === 'output-file') {
      const dir = resolved.replace(/\/[^/]*$/, '') || '/';
      if (fs.stat(dir) !== 'directory') {
        context.report(
          at.file,
          at.entry.value.span,
          'file-not-found',
          `The directory for ${known.name} does not exist here: ${dir}${context.runDirectoryNote(value)}.`,
        );
      }
      return ACCEPTED;
    }
    const found = fs.stat(resolved);
    const wanted = kind === 'directory' ? 'directory' : 'file';
    if (found !== wanted) {
      context.report(
        at.file,
        at.entry.value.span,
        'file-not-found',
        found === null
          ? `${known.name}: ${resolved} does not exist on this machine${context.runDirectoryNote(value)}.`
          : `${known.name}: ${resolved} is ${describeFileKind(found)}, not ${describeFileKind(wanted)}.`,
      );
    }
    return ACCEPTED;
  },
};
