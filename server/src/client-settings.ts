// Settings only the VS Code client reads (the live pool view). Together with SETTINGS_SPEC in
// ./settings.ts they are every setting the extension contributes; package.json is checked against both.

import type { SettingSpec } from './settings';
import { SETTINGS_SPEC } from './settings';

/** Defaults of the pool view's settings (client/src/pools/settings.ts reads them). */
export const POOL_SETTING_DEFAULTS = {
  refreshInterval: 5,
  queryTimeout: 5,
  useWarning: 80,
  useCritical: 95,
  maxWaitWarning: 1,
  maxWaitCritical: 5,
  database: 'pgbouncer',
  sslmode: 'prefer',
  port: 6432,
} as const;

export const POOL_SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type PoolSslMode = (typeof POOL_SSL_MODES)[number];

export const CLIENT_SETTINGS_SPEC: Record<string, SettingSpec> = {
  'pgbouncer.instances': {
    type: 'array',
    default: [],
    items: {
      type: 'object',
      required: ['name', 'host', 'user'],
      properties: {
        name: { type: 'string', description: 'Name shown in the view, unique among the instances.' },
        host: {
          type: 'string',
          description: 'Host name or address of PgBouncer, or a Unix socket directory (starting with /).',
        },
        port: {
          type: 'integer',
          default: POOL_SETTING_DEFAULTS.port,
          minimum: 1,
          maximum: 65535,
          description: 'PgBouncer listen_port.',
        },
        user: {
          type: 'string',
          description:
            'User of the admin console: in admin_users (admin actions) or stats_users (read only).',
        },
        database: {
          type: 'string',
          default: POOL_SETTING_DEFAULTS.database,
          description: 'Database name of the admin console.',
        },
        sslmode: {
          type: 'string',
          enum: [...POOL_SSL_MODES],
          default: POOL_SETTING_DEFAULTS.sslmode,
          description:
            'TLS to PgBouncer, as in libpq: disable (never), prefer (TLS when PgBouncer offers it, else plain text without a warning), require (TLS, certificate not checked), verify-ca (TLS, certificate signed by a trusted CA), verify-full (verify-ca, and issued for the host). Ignored for a Unix socket.',
        },
        sslrootcert: {
          type: 'string',
          description:
            'CA certificates (a PEM file, may hold several) trusted instead of the authorities Node.js trusts, as libpq’s sslrootcert: for verify-ca and verify-full with a private CA; with require or prefer the chain is then checked too. An absolute path, or relative to your home directory (~/ allowed). The stored password is bound to it.',
        },
      },
      additionalProperties: false,
    },
    description:
      'PgBouncer instances shown in the Pool Status view: {name, host, port, user, database, sslmode, sslrootcert}. Passwords are never stored in settings: the extension asks once and keeps them in VS Code’s secret storage, bound to user, host, port, sslmode and sslrootcert. In an untrusted workspace only instances from user settings are used. In a multi-root workspace each folder may list its own; the view names the folder.',
    scope: 'resource',
  },
  'pgbouncer.refreshInterval': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.refreshInterval,
    minimum: 1,
    description:
      'Seconds between two refreshes of the Pool Status view. Refreshing pauses while the view is hidden.',
    scope: 'window',
  },
  'pgbouncer.queryTimeout': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.queryTimeout,
    minimum: 0.5,
    description:
      'Seconds to wait for PgBouncer to accept the login or to answer a command before the connection is dropped and reported as a timeout.',
    scope: 'window',
  },
  'pgbouncer.thresholds.useWarning': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.useWarning,
    minimum: 0,
    maximum: 100,
    description:
      'A pool whose active server connections reach this percentage of its limit is shown as a warning. The limit: pool_size, plus the reserve when reserve_pool_timeout is above 0, at most max_db_connections and max_user_connections where set; a pool without a limit is not judged by its use.',
    scope: 'window',
  },
  'pgbouncer.thresholds.useCritical': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.useCritical,
    minimum: 0,
    maximum: 100,
    description:
      'A pool whose active server connections reach this percentage of its limit is shown as critical. The limit: pool_size, plus the reserve when reserve_pool_timeout is above 0, at most max_db_connections and max_user_connections where set; a pool without a limit is not judged by its use.',
    scope: 'window',
  },
  'pgbouncer.thresholds.maxWaitWarning': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.maxWaitWarning,
    minimum: 0,
    description:
      'A pool whose oldest waiting client has waited this many seconds (maxwait) is shown as a warning. Any waiting client is a warning too.',
    scope: 'window',
  },
  'pgbouncer.thresholds.maxWaitCritical': {
    type: 'number',
    default: POOL_SETTING_DEFAULTS.maxWaitCritical,
    minimum: 0,
    description:
      'A pool whose oldest waiting client has waited this many seconds (maxwait) is shown as critical.',
    scope: 'window',
  },
};

/** Every contributed setting: package.json's contributes.configuration.properties. */
export const EXTENSION_SETTINGS_SPEC: Record<string, SettingSpec> = {
  ...SETTINGS_SPEC,
  ...CLIENT_SETTINGS_SPEC,
};
