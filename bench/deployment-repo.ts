// A monorepo of `fileCount` files for the deployment scan's benchmark (`npm run bench`: a 5,000-file
// repository is scanned in under 2 s) and for test/deployment/discover.test.ts (a small one).
//
// Like a real one: services in Node (Prisma), Java (Spring) and Ruby (Rails), each with its .env, some
// with their own compose file and Kubernetes manifests; a root compose project with an override and a
// PgBouncer mounted from infra/; a second PgBouncer for the replica; a CloudNativePG Pooler. Most files
// are source, fixtures and node_modules, as in any repository: node_modules, dist/ and what the
// .gitignore files name must be skipped, and decoy compose and .env files sit there to prove it.
// Deterministic: the same arguments write the same bytes.

import * as fs from 'node:fs';
import * as path from 'node:path';

type Language = 'node' | 'java' | 'ruby';

/** What the repository holds, for a test to check a scan against. */
export interface DeploymentRepoLayout {
  services: { name: string; language: Language; compose: boolean; kubernetes: boolean }[];
  /** Files written, all kinds. */
  written: number;
}

const SERVICE_NAMES = [
  'accounts',
  'billing',
  'catalog',
  'checkout',
  'inventory',
  'notifications',
  'orders',
  'payments',
  'reporting',
  'search',
  'shipping',
  'users',
  'audit',
  'auth',
  'cart',
  'coupons',
  'email',
  'gateway',
  'ledger',
  'media',
];

function serviceName(index: number): string {
  const base = SERVICE_NAMES[index % SERVICE_NAMES.length];
  return index < SERVICE_NAMES.length ? base : `${base}-${Math.floor(index / SERVICE_NAMES.length) + 1}`;
}

function languageOf(index: number): Language {
  return (['node', 'java', 'ruby'] as const)[index % 3];
}

function composeFile(services: string[]): string {
  const lines = [
    'x-app: &app',
    '  restart: unless-stopped',
    '  env_file: .env',
    '  depends_on: [pgbouncer]',
    '',
    'services:',
    '  postgres:',
    '    image: postgres:16',
    '    environment:',
    '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}',
    '    volumes: [pgdata:/var/lib/postgresql/data]',
    '  pgbouncer:',
    '    image: edoburu/pgbouncer:v1.23.1-p2',
    '    ports: ["6432:5432"]',
    '    volumes:',
    '      - ./infra/pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro',
    '      - ./infra/pgbouncer/userlist.txt:/etc/pgbouncer/userlist.txt:ro',
    '    ulimits:',
    '      nofile: { soft: 4096, hard: 8192 }',
  ];
  for (const name of services) {
    lines.push(
      `  ${name}:`,
      '    <<: *app',
      `    build: ./services/${name}`,
      '    environment:',
      `      DATABASE_URL: postgres://${name}:\${${name.toUpperCase().replace(/-/g, '_')}_PASSWORD}@pgbouncer:5432/${name}`,
      '      DB_POOL_SIZE: "10"',
      '    deploy:',
      '      replicas: 2',
    );
  }
  lines.push('', 'volumes:', '  pgdata: {}', '');
  return lines.join('\n');
}

function pgbouncerIni(names: string[], backend: string): string {
  const lines = ['[databases]'];
  for (const name of names) lines.push(`${name} = host=${backend} port=5432 dbname=${name}`);
  lines.push(
    '',
    '[pgbouncer]',
    'listen_addr = 0.0.0.0',
    'listen_port = 5432',
    'auth_type = scram-sha-256',
    'auth_file = /etc/pgbouncer/userlist.txt',
    'pool_mode = transaction',
    'max_client_conn = 2000',
    'default_pool_size = 20',
    'ignore_startup_parameters = extra_float_digits',
    '',
  );
  return lines.join('\n');
}

function kubernetesDeployment(name: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  labels: { app: ${name} }`,
    'spec:',
    '  replicas: 3',
    `  selector: { matchLabels: { app: ${name} } }`,
    '  template:',
    `    metadata: { labels: { app: ${name} } }`,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: registry.example.com/${name}:1.4.2`,
    '          env:',
    '            - name: DATABASE_URL',
    '              valueFrom:',
    `                secretKeyRef: { name: ${name}-db, key: url }`,
    '            - name: DB_POOL_SIZE',
    '              value: "15"',
    '          envFrom:',
    `            - configMapRef: { name: ${name}-config }`,
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  selector: { app: ${name} }`,
    '  ports: [{ port: 80, targetPort: 8080 }]',
    '',
  ].join('\n');
}

function kubernetesConfig(name: string): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}-config`,
    'data:',
    '  DB_HOST: pooler-rw.databases.svc',
    '  DB_PORT: "5432"',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}-db`,
    'stringData:',
    `  url: postgresql://${name}:change-me@pooler-rw.databases.svc:5432/${name}?sslmode=require`,
    '',
  ].join('\n');
}

const POOLER = [
  'apiVersion: postgresql.cnpg.io/v1',
  'kind: Pooler',
  'metadata:',
  '  name: pooler-rw',
  '  namespace: databases',
  'spec:',
  '  cluster: { name: main }',
  '  instances: 2',
  '  type: rw',
  '  pgbouncer:',
  '    poolMode: transaction',
  '    parameters:',
  '      max_client_conn: "1000"',
  '      default_pool_size: "25"',
  '',
].join('\n');

function prismaSchema(name: string): string {
  return [
    'datasource db {',
    '  provider  = "postgresql"',
    '  url       = env("DATABASE_URL")',
    '  directUrl = env("DIRECT_URL")',
    '}',
    '',
    'generator client {',
    '  provider = "prisma-client-js"',
    '}',
    '',
    `model ${name.replace(/[^a-z]/g, '')}Record {`,
    '  id        Int      @id @default(autoincrement())',
    '  createdAt DateTime @default(now())',
    '}',
    '',
  ].join('\n');
}

function springYaml(name: string): string {
  return [
    'spring:',
    '  datasource:',
    `    url: jdbc:postgresql://pgbouncer:5432/${name}?currentSchema=${name}`,
    `    username: ${name}`,
    '    password: ${DB_PASSWORD}',
    '    hikari:',
    '      maximum-pool-size: 20',
    'server:',
    '  port: 8080',
    '',
  ].join('\n');
}

function railsDatabase(name: string): string {
  return [
    'default: &default',
    '  adapter: postgresql',
    '  encoding: unicode',
    '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>',
    '  prepared_statements: false',
    '',
    'development:',
    '  <<: *default',
    `  database: ${name}_development`,
    '',
    'production:',
    '  <<: *default',
    '  url: <%= ENV["DATABASE_URL"] %>',
    '',
  ].join('\n');
}

const SOURCE_EXTENSION: Record<Language, string> = { node: 'ts', java: 'java', ruby: 'rb' };

function sourceFile(language: Language, index: number): string {
  switch (language) {
    case 'node':
      return `export function handler${index}(input: string): string {\n  return input.trim();\n}\n`;
    case 'java':
      return `package app;\n\npublic final class Handler${index} {\n  public String handle(String input) { return input.trim(); }\n}\n`;
    case 'ruby':
      return `class Handler${index}\n  def call(input)\n    input.strip\n  end\nend\n`;
  }
}

/**
 * Writes the repository into `dir` (which must be empty or missing): `fileCount` files in all, or a
 * few more when fileCount is smaller than the deployment's own files.
 */
export function makeDeploymentRepo(dir: string, fileCount = 5000): DeploymentRepoLayout {
  let written = 0;
  const write = (relative: string, text: string): void => {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    written++;
  };

  const serviceCount = Math.max(4, Math.min(40, Math.floor(fileCount / 125)));
  const services = Array.from({ length: serviceCount }, (_, index) => ({
    name: serviceName(index),
    language: languageOf(index),
    compose: index % 3 === 1,
    kubernetes: index % 2 === 0,
  }));
  const names = services.map((service) => service.name);

  write('.gitignore', ['node_modules/', 'dist/', 'coverage/', '*.log', '.env.local', 'tmp/', ''].join('\n'));
  write('README.md', '# Shop platform\n\nRun `docker compose up`.\n');
  write('package.json', JSON.stringify({ name: 'shop', private: true, workspaces: ['services/*'] }, null, 2));
  write('docker-compose.yml', composeFile(names.slice(0, 8)));
  write(
    'docker-compose.override.yml',
    'services:\n  pgbouncer:\n    ports: ["127.0.0.1:6432:5432"]\n  postgres:\n    ports: ["5432:5432"]\n',
  );
  write('.env', 'POSTGRES_PASSWORD=local-only\nCOMPOSE_PROJECT_NAME=shop\n');
  write('.env.example', 'POSTGRES_PASSWORD=\n');
  write('.env.local', 'POSTGRES_PASSWORD=my-own\n'); // ignored by .gitignore
  write('infra/pgbouncer/pgbouncer.ini', pgbouncerIni(names, 'postgres'));
  write(
    'infra/pgbouncer/userlist.txt',
    names.map((name) => `"${name}" "SCRAM-SHA-256$4096:c2FsdA==$a:b"`).join('\n'),
  );
  write('infra/pgbouncer-replica/pgbouncer.ini', pgbouncerIni(names.slice(0, 5), 'postgres-replica'));
  write('infra/terraform/settings.ini', '[aws]\nregion = eu-west-1\n'); // an .ini of another program
  write('k8s/pooler.yaml', POOLER);
  write('.github/workflows/ci.yml', 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n');
  write('tmp/docker-compose.yml', 'services: {}\n'); // ignored folder: never entered

  for (const service of services) {
    const base = `services/${service.name}`;
    write(`${base}/Dockerfile`, 'FROM node:20-slim\nCOPY . .\n');
    write(
      `${base}/.env`,
      `DATABASE_URL=postgres://${service.name}@pgbouncer:5432/${service.name}\nDB_POOL_SIZE=5\n`,
    );
    if (service.compose) {
      write(`${base}/compose.yaml`, composeFile([service.name]));
      // A nested .gitignore with a negation: *.env is ignored here, except prod.env.
      write(`${base}/.gitignore`, '*.env\n!prod.env\n');
      write(`${base}/prod.env`, `DB_MAX_OVERFLOW=5\n`);
      write(`${base}/local.env`, `DB_MAX_OVERFLOW=50\n`);
    }
    if (service.kubernetes) {
      write(`k8s/${service.name}/deployment.yaml`, kubernetesDeployment(service.name));
      write(`k8s/${service.name}/config.yaml`, kubernetesConfig(service.name));
    }
    switch (service.language) {
      case 'node':
        write(
          `${base}/package.json`,
          JSON.stringify({ name: service.name, dependencies: { '@prisma/client': '5.22.0' } }),
        );
        write(`${base}/prisma/schema.prisma`, prismaSchema(service.name));
        // Decoys: packages ship compose files and .env files of their own.
        write(`${base}/node_modules/pg/docker-compose.yml`, 'services: {}\n');
        write(`${base}/node_modules/pg/.env`, 'DATABASE_URL=postgres://localhost/test\n');
        write(`${base}/dist/docker-compose.yml`, 'services: {}\n');
        break;
      case 'java':
        write(`${base}/src/main/resources/application.yml`, springYaml(service.name));
        write(
          `${base}/src/main/resources/application-prod.properties`,
          'spring.datasource.hikari.maximum-pool-size=30\n',
        );
        break;
      case 'ruby':
        write(`${base}/config/database.yml`, railsDatabase(service.name));
        write(`${base}/config/locales/en.yml`, 'en:\n  hello: "Hello"\n');
        break;
    }
  }

  // The rest: source files, tests and installed packages, spread over the services.
  for (let index = 0; written < fileCount; index++) {
    const service = services[index % services.length];
    const base = `services/${service.name}`;
    const slot = Math.floor(index / services.length);
    const folder = `m${Math.floor(slot / 25)}`;
    switch (index % 5) {
      case 0:
      case 1: {
        const extension = SOURCE_EXTENSION[service.language];
        write(`${base}/src/${folder}/handler${slot}.${extension}`, sourceFile(service.language, slot));
        break;
      }
      case 2:
        write(
          `${base}/test/${folder}/handler${slot}.test.json`,
          JSON.stringify({ input: ` ${slot} `, output: `${slot}` }),
        );
        break;
      default:
        write(`${base}/node_modules/dep${slot % 40}/lib/file${slot}.js`, `module.exports = ${slot};\n`);
    }
  }
  return { services, written };
}
