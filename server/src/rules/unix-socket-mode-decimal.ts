import { readCInt } from '../catalog/values';
import { replace } from '../model/edits';
import { fixes } from './rule';
import type { Rule } from './rule';

/** Permission bits and the set-id and sticky bits: what chmod keeps of a mode. */
const MODE_BITS = 0o7777;

export const unixSocketModeDecimal: Rule = {
  id: 'unix-socket-mode-decimal',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: 'unix_socket_mode written without its leading 0 is read as a decimal number',
  docs: {
    why: 'PgBouncer reads unix_socket_mode as a C integer in any base: only a leading 0 makes it octal. unix_socket_mode = 777 is the decimal number 777, which is mode 01411 (sticky bit, owner read, execute for group and others): PgBouncer starts, but nobody may write to the socket, so every local client gets "Permission denied". A decimal spelling of a mode below 512 (511 is 0777) is left alone: that one is a permission mode, whichever way it is written.',
    fix: 'Write the mode in octal with a leading 0, as in 0777 or 0770. The quick fix adds the 0 when the number has only octal digits.',
    link: 'https://www.pgbouncer.org/config.html#unix_socket_mode',
  },
  check(context) {
    const at = context.entry('unix_socket_mode');
    if (!at) return [];
    const text = at.entry.value.text.trim();
    // Decimal spelling only: a leading 0 (octal) or 0x (hexadecimal) says what it means.
    if (!/^\+?[1-9]\d*$/.test(text)) return [];
    const reading = readCInt(text);
    // Below 512 a decimal number is a plain permission mode (511 = 0777): perhaps meant so.
    if (!reading.ok || reading.stored < 0o1000) return [];
    const mode = `0${(reading.stored & MODE_BITS).toString(8)}`;
    const digits = text.replace(/^\+/, '');
    const octal = /^[0-7]{3,4}$/.test(digits) ? `0${digits}` : null;
    const meant = octal
      ? ` If ${octal} was meant, write the leading 0.`
      : ' Write the mode in octal with a leading 0.';
    return context.finding(
      'unix_socket_mode',
      `unix_socket_mode = ${text} has no leading 0, so PgBouncer reads it as a decimal number: the socket gets mode ${mode}${octal ? `, not ${octal}` : ''}, and local clients without write permission get "Permission denied".${meant}`,
      fixes(
        octal && at.file === context.root
          ? {
              title: `Write ${octal} (octal)`,
              kind: 'suggestion',
              edits: [replace(at.file, at.entry.value.span, octal)],
            }
          : null,
      ),
    );
  },
};
