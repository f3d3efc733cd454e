// Keeps every configured instance's state fresh (no vscode): one AdminClient per instance, a refresh
// of all of them every N seconds while the view is visible, never two refreshes at once, and the
// admin actions. The VS Code side only forwards visibility, settings and clicks, and draws what
// `states()` returns whenever `onDidChange` fires.

import { AdminClient, AdminError, classifyError } from './admin-client';
import type { AdminClientOptions, AdminCommand, PasswordSource, Row } from './admin-client';
import type { InstanceSettings } from './instance';
import type { InstanceState } from './model/instance-state';
import { toSnapshot } from './model/snapshot';
import type { RawShows, Snapshot } from './model/snapshot';

export interface MonitorOptions {
  /** Where each instance's password comes from (SecretStorage in VS Code). */
  password: (instance: InstanceSettings) => PasswordSource;
  intervalMs: number;
  client?: AdminClientOptions;
  now?: () => number;
}

interface Entry {
  client: AdminClient;
  state: InstanceState;
  unsubscribe: () => void;
}

function sameInstance(a: InstanceSettings, b: InstanceSettings): boolean {
  return (
    a.name === b.name &&
    a.host === b.host &&
    a.port === b.port &&
    a.user === b.user &&
    a.database === b.database &&
    a.sslmode === b.sslmode &&
    a.sslrootcert === b.sslrootcert &&
    a.folder === b.folder
  );
}

/** Reads every SHOW the view needs, over the instance's one connection, one after the other. */
export async function readSnapshot(client: AdminClient, takenAt: () => number): Promise<Snapshot> {
  const shows = {} as RawShows;
  shows.version = await client.show('VERSION');
  shows.config = await client.show('CONFIG');
  shows.databases = await client.show('DATABASES');
  shows.pools = await client.show('POOLS');
  shows.stats = await client.show('STATS');
  shows.clients = await client.show('CLIENTS');
  shows.servers = await client.show('SERVERS');
  const at = takenAt();
  const rights = await client.rights(shows.config as Row[]);
  return toSnapshot(shows, at, rights);
}

/** What the reload preview compares with: SHOW VERSION, SHOW CONFIG and SHOW DATABASES. */
export async function readRunningConfig(
  client: AdminClient,
): Promise<Pick<Snapshot, 'version' | 'config' | 'databases'>> {
  const { version, config, databases } = toSnapshot(
    {
      version: await client.show('VERSION'),
      config: await client.show('CONFIG'),
      databases: await client.show('DATABASES'),
      pools: [],
      stats: [],
      clients: [],
      servers: [],
    },
    0,
    'stats', // not used
  );
  return { version, config, databases };
}

export class PoolMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private disposed = false;
  private intervalMs: number;
  private clientOptions: AdminClientOptions;
  private readonly now: () => number;

  constructor(private readonly options: MonitorOptions) {
    this.intervalMs = options.intervalMs;
    this.clientOptions = options.client ?? {};
    this.now = options.now ?? Date.now;
  }

  /** Called after every change of any instance's state. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every instance's state, in the order of the settings. */
  states(): InstanceState[] {
    return [...this.entries.values()].map((entry) => entry.state);
  }

  state(name: string): InstanceState | undefined {
    return this.entries.get(name)?.state;
  }

  client(name: string): AdminClient | undefined {
    return this.entries.get(name)?.client;
  }

  /** Replaces the instance list: unchanged instances keep their connection and data. */
  setInstances(instances: InstanceSettings[]): void {
    const wanted = new Map(instances.map((instance) => [instance.name, instance]));
    for (const [name, entry] of this.entries) {
      const next = wanted.get(name);
      if (!next || !sameInstance(next, entry.state.instance)) {
        entry.unsubscribe();
        void entry.client.close();
        this.entries.delete(name);
      }
    }
    const ordered = new Map<string, Entry>();
    for (const instance of instances) {
      ordered.set(instance.name, this.entries.get(instance.name) ?? this.createEntry(instance));
    }
    this.entries.clear();
    for (const [name, entry] of ordered) this.entries.set(name, entry);
    this.emit();
    if (this.active) void this.refresh();
  }

  /** Applies new timeouts and backoff to the next connections (recreates the clients). */
  setClientOptions(options: AdminClientOptions): void {
    this.clientOptions = options;
    const instances = this.states().map((state) => state.instance);
    for (const entry of this.entries.values()) {
      entry.unsubscribe();
      void entry.client.close();
    }
    this.entries.clear();
    this.setInstances(instances);
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.active) this.schedule();
  }

  /** Visible view: refresh now and every interval. Hidden: no refreshing. */
  setActive(active: boolean): void {
    if (this.active === active || this.disposed) return;
    this.active = active;
    if (active) void this.refresh();
    else this.clearTimer();
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * Refreshes every instance (in parallel, one connection each). A call while a refresh runs does
   * not start a second one: it returns a promise for one more refresh right after the running one.
   */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.clearTimer();
    const run = (async () => {
      do {
        this.again = false;
        await Promise.all([...this.entries.values()].map((entry) => this.refreshOne(entry)));
      } while (this.again && !this.disposed);
    })();
    this.running = run.finally(() => {
      this.running = null;
      if (this.active) this.schedule();
    });
    return this.running;
  }

  /** The user's "retry": connect now, without waiting for the backoff. */
  retry(name?: string): Promise<void> {
    for (const [key, entry] of this.entries) if (!name || key === name) entry.client.retryNow();
    return this.refresh();
  }

  /** Runs an admin command, then refreshes. PgBouncer's refusal comes back as an AdminError. */
  async run(name: string, command: AdminCommand, database?: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new AdminError('failed', `There is no instance named ${name}.`);
    try {
      await entry.client.command(command, database);
    } finally {
      void this.refresh();
    }
  }

  dispose(): Promise<void> {
    this.disposed = true;
    this.clearTimer();
    const closing = [...this.entries.values()].map((entry) => {
      entry.unsubscribe();
      return entry.client.close();
    });
    this.entries.clear();
    this.listeners.clear();
    return Promise.all(closing).then(() => undefined);
  }

  private createEntry(instance: InstanceSettings): Entry {
    const client = new AdminClient(instance, this.options.password(instance), this.clientOptions);
    const entry: Entry = {
      client,
      state: { instance, connection: client.state },
      unsubscribe: () => undefined,
    };
    entry.unsubscribe = client.onStateChange((connection) => {
      entry.state = { ...entry.state, connection };
      this.emit();
    });
    return entry;
  }

  private async refreshOne(entry: Entry): Promise<void> {
    const attempt = this.now();
    try {
      const snapshot = await readSnapshot(entry.client, this.now);
      if (!this.isCurrent(entry)) return;
      entry.state = {
        ...entry.state,
        connection: entry.client.state,
        previous: entry.state.snapshot,
        snapshot,
        error: undefined,
        refreshedAt: attempt,
      };
    } catch (error) {
      if (!this.isCurrent(entry)) return;
      entry.state = {
        ...entry.state,
        connection: entry.client.state,
        error: classifyError(error, entry.state.instance),
        refreshedAt: attempt,
      };
    }
    this.emit();
  }

  private isCurrent(entry: Entry): boolean {
    return !this.disposed && this.entries.get(entry.state.instance.name) === entry;
  }

  private schedule(): void {
    this.clearTimer();
    if (this.disposed || !this.active) return;
    this.timer = setTimeout(() => void this.refresh(), this.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // one listener's problem is not the monitor's
      }
    }
  }
}
