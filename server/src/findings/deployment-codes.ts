// The ids of the deployment audit's findings (deployment/), known here so that the layers below it
// (.pgbouncerlintrc.json, --rule, suppressions) accept them: its rules, and the problems its
// readers report in compose files, manifests, .env and application configs. The rules describe
// themselves (deployment/rules/); the readers' problems are described here.

import type { CheckInfo } from './finding';

export const DEPLOYMENT_RULE_IDS: readonly string[] = [
  'deployment-invalid-url',
  'deployment-bypasses-pooler',
  'deployment-no-such-database',
  'deployment-wrong-port',
  'deployment-tls-mismatch',
  'deployment-unknown-user',
  'deployment-startup-parameter',
  'deployment-prepared-statements',
  'deployment-client-pools-exceed-max-client-conn',
  'deployment-client-pools-exceed-server-pool',
  'deployment-port-exposed-without-tls',
  'deployment-healthcheck-blind',
];

export const DEPLOYMENT_PROBLEMS: readonly CheckInfo[] = [
  {
    id: 'image-entrypoint-fails',
    severity: 'error',
    title: "The PgBouncer image's entrypoint stops before PgBouncer starts",
    help: 'The environment of an edoburu or bitnami PgBouncer container lacks something its entrypoint needs (a database host, a password, an allowed value), so the container exits at start.',
  },
  {
    id: 'yaml-syntax',
    severity: 'error',
    title: 'A compose file or manifest is not valid YAML',
    help: 'Compose and kubectl refuse the file; the audit reads what it can of it.',
  },
  {
    id: 'compose-interpolation',
    severity: 'error',
    title: 'A ${...} in a compose file that Compose cannot interpolate',
    help: 'An unterminated or malformed variable reference, or ${VAR:?message} with VAR unset: docker compose refuses the file.',
  },
  {
    id: 'compose-unset-variable',
    severity: 'warning',
    title: 'A compose file uses a variable that is not set',
    help: 'Compose replaces it with an empty string and warns; the .env beside the compose file does not set it either.',
  },
  {
    id: 'compose-env-file',
    severity: 'warning',
    title: 'An env_file of a compose service cannot be read',
    help: 'Compose refuses to start the service when a required env_file is missing.',
  },
  {
    id: 'compose-extends',
    severity: 'error',
    title: 'A compose extends: that cannot be followed',
    help: 'The service or file it names does not exist, or extends: goes round in a circle.',
  },
  {
    id: 'compose-port',
    severity: 'error',
    title: 'A ports: entry Compose cannot read',
    help: 'The port mapping is not in the short syntax (HOST_IP:HOST:CONTAINER/PROTOCOL) or the long syntax Compose accepts.',
  },
  {
    id: 'compose-structure',
    severity: 'warning',
    title: 'A compose entry of the wrong shape',
    help: 'A key holds a value of a type Compose does not accept there (e.g. a list where a map belongs).',
  },
  {
    id: 'compose-value',
    severity: 'warning',
    title: 'A compose value Compose does not accept',
    help: 'A number, a size or an option that Compose refuses or reads differently than it looks.',
  },
  {
    id: 'env-file-syntax',
    severity: 'warning',
    title: 'A line of a .env file that Compose cannot read',
    help: 'An unterminated quote or a line that is not NAME=value: docker compose refuses the file.',
  },
  {
    id: 'kubernetes-helm-template',
    severity: 'information',
    title: 'A Helm template is not read',
    help: 'Templates are not YAML until Helm renders them; render them (helm template) into the repository to have them audited.',
  },
  {
    id: 'kubernetes-missing-reference',
    severity: 'information',
    title: 'A ConfigMap or Secret a workload reads is not in the repository',
    help: 'It may be created outside the repository (by a pipeline or an operator); the variables it would give are not known to the audit.',
  },
  {
    id: 'kubernetes-secret-base64',
    severity: 'warning',
    title: "A Secret's data value that is not base64",
    help: "Values under a Secret's data: must be base64; the API server refuses the Secret. Put plain text under stringData: instead.",
  },
  {
    id: 'cnpg-pooler-invalid',
    severity: 'error',
    title: 'A CloudNativePG Pooler the operator refuses',
    help: "The Pooler resource breaks a rule of CloudNativePG's admission webhook (e.g. no cluster, a bad pool mode), so the API server refuses it.",
  },
  {
    id: 'cnpg-pooler-parameter',
    severity: 'error',
    title: 'A PgBouncer parameter CloudNativePG does not allow',
    help: 'CloudNativePG sets some PgBouncer parameters itself and accepts only a list of others in spec.pgbouncer.parameters; the webhook refuses the rest.',
  },
  {
    id: 'cnpg-pooler-parameter-type',
    severity: 'warning',
    title: 'A Pooler parameter written as a number',
    help: 'spec.pgbouncer.parameters is a map of strings: an unquoted number is refused by the API server. Quote it.',
  },
  {
    id: 'zalando-pooler-invalid',
    severity: 'warning',
    title: 'A Zalando connection pooler setting the operator cannot use',
    help: 'A connectionPooler value of the wrong type or out of range; the operator falls back to its default or refuses the manifest.',
  },
  {
    id: 'prisma-syntax',
    severity: 'warning',
    title: 'A schema.prisma datasource the audit cannot read',
    help: 'The datasource block is not closed or its url is not a string or env("..."); Prisma refuses the schema.',
  },
  {
    id: 'file-too-large',
    severity: 'information',
    title: 'A deployment file too large to read',
    help: 'Files larger than the reader limit are not audited.',
  },
];

export const DEPLOYMENT_IDS: readonly string[] = [
  ...DEPLOYMENT_RULE_IDS,
  ...DEPLOYMENT_PROBLEMS.map((problem) => problem.id),
];
