// The pool view's settings as plain data (no vscode): instances from pgbouncer.instances, checked and
// completed with defaults; which values count in an untrusted workspace; intervals and thresholds.

import { POOL_SETTING_DEFAULTS, POOL_SSL_MODES } from '../../../server/src/client-settings';
import type { InstanceSettings, SslMode } from './admin-client';
import type { Thresholds } from './model';

export interface InstancesResult {
  instances: InstanceSettings[];
  /** Entries that were skipped or corrected, in words. */
  problems: string[];
  /** Instances defined in workspace settings and ignored because the workspace is not trusted. */
  ignoredUntrusted: number;
}

/** The levels of a setting, as VS Code's WorkspaceConfiguration.inspect() reports them. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** One entry of pgbouncer.instances, or the reason it cannot be used. */
export function normalizeInstance(raw: unknown, index: number): InstanceSettings | string {
  const label = `pgbouncer.instances[${index}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return `${label} is not an object; it is skipped.`;
  const entry = raw as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof entry[key] === 'string' && (entry[key] as string).trim() !== ''
      ? (entry[key] as string).trim()
      : undefined;
  const host = text('host');
  const user = text('user');
  if (!host) return `${label} has no host; it is skipped.`;
  if (!user) return `${label} has no user; it is skipped.`;
  const port = entry.port === undefined ? POOL_SETTING_DEFAULTS.port : Number(entry.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `${label}: port ${JSON.stringify(entry.port)} is not a port number; it is skipped.`;
  }
  const sslmode = (text('sslmode') ?? POOL_SETTING_DEFAULTS.sslmode) as SslMode;
  if (!POOL_SSL_MODES.includes(sslmode)) {
    return `${label}: sslmode ${JSON.stringify(entry.sslmode)} is not one of ${POOL_SSL_MODES.join(', ')}; it is skipped.`;
  }
  return {
    name: text('name') ?? `${host}:${port}`,
    host,
    port,
    user,
    database: text('database') ?? POOL_SETTING_DEFAULTS.database,
    sslmode,
  };
}

/** Every usable instance of a pgbouncer.instances value; names made unique. */
export function normalizeInstances(raw: unknown): { instances: InstanceSettings[]; problems: string[] } {
  if (raw === undefined || raw === null) return { instances: [], problems: [] };
  if (!Array.isArray(raw))
    return { instances: [], problems: ['pgbouncer.instances is not a list; it is ignored.'] };
  const instances: InstanceSettings[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  raw.forEach((entry, index) => {
    const result = normalizeInstance(entry, index);
    if (typeof result === 'string') {
      problems.push(result);
      return;
    }
    let name = result.name;
    for (let n = 2; names.has(name); n++) name = `${result.name} (${n})`;
    if (name !== result.name)
      problems.push(`Two instances are named ${result.name}; the second is shown as ${name}.`);
    names.add(name);
    instances.push({ ...result, name });
  });
  return { instances, problems };
}

/**
 * The instances to connect to. Trusted: the value VS Code resolves (folder over workspace over user).
 * Untrusted: only the user's own settings; instances from workspace settings are ignored, so opening a
 * folder can never make the extension connect somewhere.
 */
export function instancesFromSettings(
  inspected: InspectedSetting | undefined,
  trusted: boolean,
): InstancesResult {
  const value = trusted
    ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue)
    : inspected?.globalValue;
  const { instances, problems } = normalizeInstances(value);
  let ignoredUntrusted = 0;
  if (!trusted) {
    const fromWorkspace = [inspected?.workspaceValue, inspected?.workspaceFolderValue].find(Array.isArray);
    ignoredUntrusted = fromWorkspace ? (fromWorkspace as unknown[]).length : 0;
  }
  return { instances, problems, ignoredUntrusted };
}

export interface PoolSettings {
  refreshIntervalMs: number;
  timeoutMs: number;
  thresholds: Thresholds;
}

/** Interval, timeout and thresholds from a getter of `pgbouncer.<key>` values; junk gives the default. */
export function poolSettings(get: (key: string) => unknown): PoolSettings {
  const number = (key: string, fallback: number, min: number, max = Infinity): number => {
    const value = get(key);
    return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? value
      : fallback;
  };
  const d = POOL_SETTING_DEFAULTS;
  let useWarning = number('thresholds.useWarning', d.useWarning, 0, 100);
  let useCritical = number('thresholds.useCritical', d.useCritical, 0, 100);
  if (useCritical < useWarning) [useWarning, useCritical] = [useCritical, useWarning];
  let maxWaitWarning = number('thresholds.maxWaitWarning', d.maxWaitWarning, 0);
  let maxWaitCritical = number('thresholds.maxWaitCritical', d.maxWaitCritical, 0);
  if (maxWaitCritical < maxWaitWarning) [maxWaitWarning, maxWaitCritical] = [maxWaitCritical, maxWaitWarning];
  return {
    refreshIntervalMs: number('refreshInterval', d.refreshInterval, 1) * 1000,
    timeoutMs: number('queryTimeout', d.queryTimeout, 0.5) * 1000,
    thresholds: { useWarning, useCritical, maxWaitWarning, maxWaitCritical },
  };
}

/** The SecretStorage key of an instance's password: by where and who, not by its display name. */
export function passwordKey(instance: Pick<InstanceSettings, 'host' | 'port' | 'user'>): string {
  return `pgbouncer.password:${instance.user}@${instance.host}:${instance.port}`;
}
