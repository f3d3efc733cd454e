// What the view knows of one instance, and its connection in words: the error's title, how it is
// reached (TLS or not). The tree, the status bar and the hover all say these the same way.

import type { AdminError, ConnectionState, Transport } from '../admin-client';
import type { InstanceSettings } from '../instance';
import type { Snapshot } from './snapshot';

/** What the view knows of one instance: its connection, the last good snapshot, the last error. */
export interface InstanceState {
  instance: InstanceSettings;
  connection: ConnectionState;
  /** The newest successful refresh. */
  snapshot?: Snapshot;
  /** The successful refresh before it (for rates). */
  previous?: Snapshot;
  /** Set when the newest refresh failed. */
  error?: AdminError;
  /** ms since the epoch of the newest refresh attempt. */
  refreshedAt?: number;
}

const ERROR_TITLES: Record<AdminError['kind'], string> = {
  down: 'PgBouncer is not reachable',
  auth: 'Password needed', // refused: wrong, or the user is not in auth_file (the message says which)
  'password-needed': 'Password needed',
  'not-allowed': 'User is neither admin nor stats user',
  tls: 'TLS problem',
  protocol: 'Unexpected answer',
  timeout: 'No answer (timeout)',
  refused: 'PgBouncer refused',
  failed: 'Failed',
};

export function errorTitle(error: AdminError): string {
  return ERROR_TITLES[error.kind];
}

/**
 * How a connected instance is reached, in words: `short` for the item's description when the
 * connection is plain text over the network (sslmode prefer fell back silently, as libpq does, or
 * sslmode disable), `long` for the tooltips.
 */
export function transportText(
  instance: InstanceSettings,
  transport: Transport | undefined,
): { short?: string; long: string } | null {
  if (!transport) return null;
  if (transport.tls) {
    const checked =
      transport.verified === 'chain-and-host'
        ? `certificate signed by a trusted CA and issued for ${instance.host}`
        : transport.verified === 'chain'
          ? 'certificate signed by a trusted CA (host name not checked)'
          : `certificate not checked (sslmode ${instance.sslmode})`;
    return { long: `TLS (${[transport.protocol, transport.cipher].filter(Boolean).join(', ')}), ${checked}` };
  }
  switch (transport.reason) {
    case 'unix-socket':
      return { long: 'Over a Unix socket (sslmode does not apply)' };
    case 'disabled':
      return { short: 'without TLS', long: 'Connected without TLS (sslmode disable)' };
    case 'not-offered':
      return {
        short: 'without TLS',
        long: 'Connected without TLS: sslmode is prefer and PgBouncer offered no TLS, so the password and everything shown here crossed the network in plain text. Enable client TLS in PgBouncer, or set sslmode to require or verify-full to refuse plain text',
      };
  }
}
