// pgbouncer.pools.addInstance: asks for an instance step by step and its password, and adds it to
// the user settings (pgbouncer.instances).

import * as vscode from 'vscode';
import { POOL_SETTING_DEFAULTS, POOL_SSL_MODES, SETTINGS_SECTION } from '../../../../server/src/api';
import type { InstanceSettings } from '../instance';
import type { CommandFactory, PoolsContext } from '../context';
import { SHOW_COMMAND } from '../ids';
import { resolveCaPath } from '../settings';

async function addInstance(ctx: PoolsContext): Promise<void> {
  const { monitor } = ctx;
  const name = await vscode.window.showInputBox({
    title: 'Add PgBouncer Instance (1/5): name',
    prompt: 'A name for the view, e.g. primary',
    value: monitor.states().length === 0 ? 'pgbouncer' : '',
    validateInput: (value) =>
      value.trim() === ''
        ? 'Give it a name.'
        : monitor.state(value.trim())
          ? 'An instance has this name already.'
          : undefined,
  });
  if (name === undefined) return;
  const host = await vscode.window.showInputBox({
    title: 'Add PgBouncer Instance (2/5): host',
    prompt: 'Host name or address of PgBouncer, or a Unix socket directory',
    value: '127.0.0.1',
    validateInput: (value) => (value.trim() === '' ? 'Give a host.' : undefined),
  });
  if (host === undefined) return;
  const portText = await vscode.window.showInputBox({
    title: 'Add PgBouncer Instance (3/5): port',
    prompt: 'PgBouncer listen_port',
    value: String(POOL_SETTING_DEFAULTS.port),
    validateInput: (value) =>
      /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535
        ? undefined
        : 'A port number, 1-65535.',
  });
  if (portText === undefined) return;
  const user = await vscode.window.showInputBox({
    title: 'Add PgBouncer Instance (4/5): user',
    prompt: 'A user in admin_users (admin actions) or stats_users (read only)',
    validateInput: (value) => (value.trim() === '' ? 'Give a user.' : undefined),
  });
  if (user === undefined) return;
  const sslmode = await vscode.window.showQuickPick(
    POOL_SSL_MODES.map((mode) => ({ label: mode, picked: mode === POOL_SETTING_DEFAULTS.sslmode })),
    {
      title: 'Add PgBouncer Instance (5/5): sslmode',
      placeHolder: `TLS to PgBouncer (default ${POOL_SETTING_DEFAULTS.sslmode})`,
    },
  );
  if (!sslmode) return;
  let sslrootcert = '';
  if (sslmode.label === 'verify-ca' || sslmode.label === 'verify-full') {
    const answer = await vscode.window.showInputBox({
      title: 'Add PgBouncer Instance: CA file (sslrootcert)',
      prompt:
        'PEM file of the CA that signed PgBouncer’s certificate (absolute, or relative to your home directory). Leave empty to trust the authorities Node.js trusts.',
      placeHolder: '~/.postgresql/root.crt',
    });
    if (answer === undefined) return;
    sslrootcert = answer.trim();
  }
  const instance: InstanceSettings = {
    name: name.trim(),
    host: host.trim(),
    port: Number(portText),
    user: user.trim(),
    database: POOL_SETTING_DEFAULTS.database,
    sslmode: sslmode.label,
    ...(sslrootcert ? { sslrootcert: resolveCaPath(sslrootcert) } : {}),
  };
  if (!(await ctx.askPassword(instance))) return;
  // User settings: an instance added here works in every workspace, trusted or not.
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const existing = config.inspect<unknown[]>('instances')?.globalValue ?? [];
  await config.update(
    'instances',
    [
      ...existing,
      {
        name: instance.name,
        host: instance.host,
        port: instance.port,
        user: instance.user,
        sslmode: instance.sslmode,
        ...(sslrootcert ? { sslrootcert } : {}),
      },
    ],
    vscode.ConfigurationTarget.Global,
  );
  await vscode.commands.executeCommand(SHOW_COMMAND);
}

export const addInstanceCommand: CommandFactory = (ctx) => () => addInstance(ctx);
