// The JSON Schema of .pgbouncerlintrc.json, built from the rule list so it never goes stale.
// scripts/write-rc-schema.ts writes it to schemas/; a test checks the file is up to date.

import { DESCRIPTIONS } from './descriptions';
import { ALL_RULES, RULE_SEVERITIES } from './lint-config';
import { PROFILES } from '../rules/rule';
import { RELEASES } from '../catalog/catalog';

export function rcSchema(): object {
  const minors = [...new Set(RELEASES.map((r) => r.split('.').slice(0, 2).join('.')))];
  const severity = { enum: [...RULE_SEVERITIES] };
  const ruleProperties: Record<string, object> = {
    [ALL_RULES]: { ...severity, description: 'Severity of every audit rule not named on its own.' },
  };
  for (const d of DESCRIPTIONS)
    ruleProperties[d.id] = { ...severity, description: `${d.title} (${d.category})` };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://pgbouncer-config.dev/schemas/pgbouncerlintrc.schema.json',
    title: 'pgbouncer-lint project configuration (.pgbouncerlintrc.json)',
    description:
      'Read by the PgBouncer Config editor extension and the pgbouncer-lint CLI from the folder of the pgbouncer.ini or the nearest folder above it.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      profile: {
        enum: [...PROFILES],
        description:
          'production (default): every finding at full strength; development: TLS and exposure findings become information.',
      },
      targetVersion: {
        type: 'string',
        description: `PgBouncer release the configuration is for, e.g. ${minors[minors.length - 1]} or 1.18; "unreleased" for the development version.`,
        pattern: '^(\\d+\\.\\d+(\\.\\d+)?|unreleased|next|head)$',
      },
      runDirectory: {
        type: 'string',
        description:
          'Directory PgBouncer runs in, relative to this file: relative paths and %include resolve against it.',
      },
      deployedHere: {
        type: 'boolean',
        description:
          'This is the machine PgBouncer runs on (default false): files it needs and cannot open here are errors, not warnings.',
      },
      rules: {
        type: 'object',
        description: 'Severity per rule or check id: off, hint, information, warning or error.',
        additionalProperties: false,
        properties: ruleProperties,
      },
      postgresMaxConnections: {
        type: 'integer',
        minimum: 1,
        description: 'max_connections of the PostgreSQL servers behind PgBouncer (default 100).',
      },
      fileDescriptorLimit: {
        type: 'integer',
        minimum: 1,
        description: 'Open-files limit PgBouncer runs with (ulimit -n, default 1024).',
      },
    },
  };
}
