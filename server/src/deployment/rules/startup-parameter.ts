import { availableIn } from '../../catalog/catalog';
import { sendsStartupParameters } from '../read/urls';
import type { DeploymentRule } from '../rule';
import { listSetting, poolerName, settingRelated, who } from './support';

/** The parameters PgBouncer keeps for every client (varcache.c); the rest must be ignored or refused. */
const TRACKED = [
  'client_encoding',
  'datestyle',
  'timezone',
  'standard_conforming_strings',
  'application_name',
];
/** From 1.20 PgBouncer reads `-c name=value` out of options, and tracks track_extra_parameters too. */
const OPTIONS_PARSED_SINCE = '1.20.0';

/** The `-c name=value` (or `--name=value`) settings of a libpq options string. */
export function optionSettings(options: string): string[] {
  const names: string[] = [];
  const pattern = /(?:^|\s)(?:-c\s*|--)([A-Za-z_][A-Za-z0-9_.]*)=/g;
  for (let match = pattern.exec(options); match; match = pattern.exec(options))
    if (match[1]) names.push(match[1]);
  return names;
}

export const startupParameter: DeploymentRule = {
  id: 'deployment-startup-parameter',
  severity: 'warning',
  title: 'A client sends a startup parameter PgBouncer refuses',
  docs: {
    why: 'PgBouncer accepts only the startup parameters it can keep per client (client_encoding, DateStyle, TimeZone, standard_conforming_strings, application_name, and track_extra_parameters from 1.20); any other is refused with "unsupported startup parameter" unless ignore_startup_parameters lists it. The PostgreSQL JDBC driver always sends extra_float_digits; options=-c search_path=… and JDBC currentSchema send a search_path.',
    fix: 'Add the parameter to ignore_startup_parameters (e.g. ignore_startup_parameters = extra_float_digits), or from 1.20 to track_extra_parameters where the server should get it (search_path); or stop the client from sending it.',
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.route.kind !== 'pooler') return [];
      const { pooler } = connection.route;
      const target = pooler.lint.target;
      const parsesOptions = availableIn(OPTIONS_PARSED_SINCE, target);
      const tracked = new Set([
        ...TRACKED,
        ...(parsesOptions
          ? listSetting(pooler, 'track_extra_parameters').map((name) => name.toLowerCase())
          : []),
      ]);
      const ignored = new Set(listSetting(pooler, 'ignore_startup_parameters'));
      const accepted = (name: string) => tracked.has(name.toLowerCase()) || ignored.has(name);
      const refused: string[] = [];
      for (const name of sendsStartupParameters(connection.url)) {
        if (name === 'options') {
          const options = connection.url.params.get('options') ?? '';
          if (!parsesOptions) {
            if (!ignored.has('options')) refused.push('options');
          } else if (!ignored.has('options')) {
            for (const setting of optionSettings(options))
              if (!accepted(setting)) refused.push(`${setting} (in options)`);
          }
        } else if (!accepted(name)) refused.push(name);
      }
      if (refused.length === 0) return [];
      const list = [...new Set(refused)];
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message:
            `${who(connection)} sends the startup parameter${list.length > 1 ? 's' : ''} ${list.join(', ')}, which ` +
            `${poolerName(pooler)} refuses ("unsupported startup parameter") unless ignore_startup_parameters ` +
            `lists ${list.length > 1 ? 'them' : 'it'}.` +
            (list.includes('extra_float_digits')
              ? ' (The PostgreSQL JDBC driver sends extra_float_digits at every login up to 42.7.4; later versions set it after login.)'
              : ''),
          related: [settingRelated(pooler, 'ignore_startup_parameters', 'ignore_startup_parameters')],
        },
      ];
    });
  },
};
