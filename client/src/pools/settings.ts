// The pool view's settings as plain data (no vscode): instances from pgbouncer.instances, checked and
// completed with defaults; which values count in an untrusted workspace; intervals and thresholds;
// where an instance's password is kept.

import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { POOL_SETTING_DEFAULTS, POOL_SSL_MODES } from '../../../server/src/api';
import type { PasswordSource } from './admin-client';
import type { InstanceSettings, SslMode } from './instance';
import type { Thresholds } from './model/health';

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
  const sslrootcert = text('sslrootcert');
  return {
    name: text('name') ?? `${host}:${port}`,
    host,
    port,
    user,
    database: text('database') ?? POOL_SETTING_DEFAULTS.database,
    sslmode,
    ...(sslrootcert ? { sslrootcert: resolveCaPath(sslrootcert) } : {}),
  };
}

/**
 * The absolute path of an sslrootcert setting. Relative paths and ~ are taken from the home directory:
 * the same file in every workspace and for user and workspace settings alike (libpq would use the
 * current directory, which means nothing in an editor; its own default, ~/.postgresql/root.crt, is
 * written `~/.postgresql/root.crt` here).
 */
export function resolveCaPath(value: string, home = os.homedir()): string {
  if (value === '~') return home;
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.resolve(home, value.slice(2));
  return path.resolve(home, value);
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

/** A workspace folder of a multi-root workspace and pgbouncer.instances as inspected in its scope. */
export interface FolderInstances {
  name: string;
  inspected: InspectedSetting | undefined;
}

/**
 * The instances of a multi-root workspace: those of the user and workspace settings
 * (instancesFromSettings), then each folder's own (its workspaceFolderValue), marked with the folder's
 * name; a name already taken gets the folder's name added. A folder's instances are workspace
 * settings too: ignored and counted when the workspace is not trusted.
 */
export function instancesOfFolders(
  inspected: InspectedSetting | undefined,
  folders: readonly FolderInstances[],
  trusted: boolean,
): InstancesResult {
  const result = instancesFromSettings(inspected, trusted);
  const names = new Set(result.instances.map((instance) => instance.name));
  for (const folder of folders) {
    const value = folder.inspected?.workspaceFolderValue;
    if (value === undefined) continue;
    if (!trusted) {
      if (Array.isArray(value)) result.ignoredUntrusted += value.length;
      continue;
    }
    const own = normalizeInstances(value);
    result.problems.push(...own.problems.map((problem) => `${folder.name}: ${problem}`));
    for (const instance of own.instances) {
      let name = instance.name;
      if (names.has(name)) name = `${instance.name} (${folder.name})`;
      for (let n = 2; names.has(name); n++) name = `${instance.name} (${folder.name} ${n})`;
      names.add(name);
      result.instances.push({ ...instance, name, folder: folder.name });
    }
  }
  return result;
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

/** What decides where a password goes: an instance that differs in any of these gets its own. */
export type PasswordBinding = Pick<InstanceSettings, 'user' | 'host' | 'port' | 'sslmode' | 'sslrootcert'>;

/**
 * The SecretStorage key of an instance's password: a hash of user, host, port, sslmode and the CA
 * file's path, so that a password given for verify-full is never handed to the same host:port with
 * sslmode disable (which a workspace could define) or with another CA. The CA is identified by its
 * path, not its content: the key must follow from the settings alone, so that "forget" finds it when
 * the file has changed or is gone (SecretStorage cannot list its keys in VS Code 1.91), and a renewed
 * CA certificate does not ask for the password again.
 */
export function passwordKey(instance: PasswordBinding): string {
  const binding = [
    instance.user,
    instance.host,
    instance.port,
    instance.sslmode,
    instance.sslrootcert ?? null,
  ];
  return `pgbouncer.password.v2:${createHash('sha256').update(JSON.stringify(binding)).digest('hex')}`;
}

/** The key earlier builds used (user@host:port, whatever the TLS mode): still deleted, never read. */
export function legacyPasswordKey(instance: Pick<InstanceSettings, 'host' | 'port' | 'user'>): string {
  return `pgbouncer.password:${instance.user}@${instance.host}:${instance.port}`;
}

/** The part of VS Code's SecretStorage the pool view uses. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Where the admin client gets an instance's password: only the one stored for exactly this binding. */
export function storedPassword(secrets: SecretStore, instance: PasswordBinding): PasswordSource {
  return () => secrets.get(passwordKey(instance));
}

/** Keeps the password for this binding (an empty one is no password) and drops the old-style entry. */
export async function savePassword(
  secrets: SecretStore,
  instance: PasswordBinding,
  password: string,
): Promise<void> {
  if (password === '') await secrets.delete(passwordKey(instance));
  else await secrets.store(passwordKey(instance), password);
  await secrets.delete(legacyPasswordKey(instance));
}

/** Forgets the instance's password, and whatever earlier builds kept for its user@host:port. */
export async function forgetPassword(secrets: SecretStore, instance: PasswordBinding): Promise<void> {
  await secrets.delete(passwordKey(instance));
  await secrets.delete(legacyPasswordKey(instance));
}
