// Finding the deployment's files in a folder: what is taken, what is skipped and why, against a
// generated monorepo (bench/deployment-repo.ts), hand-made trees with links and pipes, and real git
// deciding what .gitignore files ignore.
//
//   node --import tsx --test test/deployment/discover.test.ts

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { makeDeploymentRepo } from '../../bench/deployment-repo';
import {
  deploymentKindOfPath,
  discoverDeploymentFiles,
  discoverDeploymentFilesAsync,
} from '../../server/src/deployment/read/discover';
import type { DiscoveredFiles } from '../../server/src/deployment/read/discover';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-discover-'));
  dirs.push(dir);
  return dir;
}

/** Writes files (relative path -> text) under a new folder. */
function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  }
  return dir;
}

function relativeFiles(root: string, result: DiscoveredFiles): string[] {
  return result.files.map((file) => `${path.relative(root, file.path)} ${file.kind}`);
}

function relativeSkipped(root: string, result: DiscoveredFiles): string[] {
  return result.skipped.map((entry) => `${path.relative(root, entry.path)}: ${entry.why}`);
}

test('file names: what each deployment file is taken for', () => {
  const cases: [string, string | undefined][] = [
    ['/r/.env', 'env'],
    ['/r/.env.example', 'env'],
    ['/r/.env.production', 'env'],
    ['/r/services/api/prod.env', 'env'],
    ['/r/.envrc', undefined],
    ['/r/docker-compose.yml', 'compose'],
    ['/r/docker-compose.prod.yaml', 'compose'],
    ['/r/docker-compose.override.yml', 'compose-override'],
    ['/r/compose.yaml', 'compose'],
    ['/r/compose.override.yaml', 'compose-override'],
    ['/r/composer.yaml', 'yaml'],
    ['/r/infra/pgbouncer.ini', 'pgbouncer-ini'],
    ['/r/infra/pgbouncer-replica.ini', 'pgbouncer-ini'],
    ['/r/infra/main.pgbouncer.ini', 'pgbouncer-ini'],
    ['/r/infra/databases.ini', 'ini'],
    ['/r/infra/userlist.txt', 'userlist'],
    ['/r/app/prisma/schema.prisma', 'prisma'],
    ['/r/src/main/resources/application.properties', 'spring-properties'],
    ['/r/src/main/resources/application-prod.properties', 'spring-properties'],
    ['/r/src/main/resources/application.yml', 'spring-yaml'],
    ['/r/src/main/resources/application-k8s.yaml', 'spring-yaml'],
    ['/r/config/database.yml', 'rails-database'],
    ['/r/db/database.yml', 'yaml'],
    ['/r/k8s/deployment.yaml', 'yaml'],
    ['/r/src/index.ts', undefined],
    ['/r/README.md', undefined],
  ];
  for (const [file, kind] of cases) assert.equal(deploymentKindOfPath(file), kind, file);
});

test('a generated monorepo: deployment files found, node_modules, dist and ignored files skipped', async () => {
  const root = tempDir();
  const layout = makeDeploymentRepo(root, 800);
  assert.equal(layout.written, 800);
  const result = discoverDeploymentFiles(root);
  assert.equal(result.truncated, false);
  const found = relativeFiles(root, result);

  assert.deepEqual(
    found.filter((line) => line.endsWith(' pgbouncer-ini')),
    ['infra/pgbouncer-replica/pgbouncer.ini pgbouncer-ini', 'infra/pgbouncer/pgbouncer.ini pgbouncer-ini'],
  );
  for (const expected of [
    '.env env',
    '.env.example env',
    'docker-compose.yml compose',
    'docker-compose.override.yml compose-override',
    'infra/pgbouncer/userlist.txt userlist',
    'k8s/pooler.yaml yaml',
    '.github/workflows/ci.yml yaml',
  ]) {
    assert.ok(found.includes(expected), `${expected} not in:\n${found.join('\n')}`);
  }
  for (const service of layout.services) {
    const base = `services/${service.name}`;
    // a service whose .gitignore says *.env: git ignores its .env too (* matches a leading dot)
    assert.equal(found.includes(`${base}/.env env`), !service.compose, base);
    if (service.language === 'node') assert.ok(found.includes(`${base}/prisma/schema.prisma prisma`), base);
    if (service.language === 'java') {
      assert.ok(found.includes(`${base}/src/main/resources/application.yml spring-yaml`), base);
      assert.ok(found.includes(`${base}/src/main/resources/application-prod.properties spring-properties`));
    }
    if (service.language === 'ruby') assert.ok(found.includes(`${base}/config/database.yml rails-database`));
    if (service.compose) {
      assert.ok(found.includes(`${base}/compose.yaml compose`), base);
      // the service's own .gitignore ignores *.env and re-includes prod.env
      assert.ok(found.includes(`${base}/prod.env env`), base);
      assert.ok(!found.some((line) => line.startsWith(`${base}/local.env`)), base);
    }
    if (service.kubernetes) assert.ok(found.includes(`k8s/${service.name}/deployment.yaml yaml`));
  }
  // Never from node_modules, dist/ or tmp/ (decoy compose and .env files sit there); not the other .ini.
  assert.deepEqual(
    found.filter((line) => /node_modules|\/dist\/|^tmp\/|settings\.ini/.test(line)),
    [],
  );
  // Deployment files that .gitignore ignores are reported with the rule; ignored folders are not entered.
  const skipped = relativeSkipped(root, result);
  assert.ok(skipped.includes('.env.local: ignored by .gitignore: .env.local'), skipped.join('\n'));
  const composeService = layout.services.find((service) => service.compose)!;
  assert.ok(
    skipped.includes(
      `services/${composeService.name}/local.env: ignored by services/${composeService.name}/.gitignore: *.env`,
    ),
    skipped.join('\n'),
  );
  assert.deepEqual(
    skipped.filter((line) => /node_modules|dist|tmp/.test(line)),
    [],
  );
  // Sorted, and the language server's asynchronous walk gives the same answer.
  assert.deepEqual(
    result.files.map((file) => file.path),
    result.files.map((file) => file.path).sort(),
  );
  assert.deepEqual(await discoverDeploymentFilesAsync(root), result);
  for (const file of result.files) assert.equal(file.size, fs.statSync(file.path).size);
});

test('an .ini is a PgBouncer configuration when a [pgbouncer] or [databases] header is in its first 64 KiB', () => {
  const root = tree({
    'conf/databases.ini': '; the pools\n  [Databases]\napp = host=db\n',
    'conf/main.ini': '[pgbouncer]\nlisten_port = 6432\n',
    'conf/tool.ini': '[tool]\npgbouncer = yes\n',
    'conf/late.ini': `${'; padding\n'.repeat(7000)}[pgbouncer]\n`,
  });
  assert.deepEqual(relativeFiles(root, discoverDeploymentFiles(root)), [
    'conf/databases.ini pgbouncer-ini',
    'conf/main.ini pgbouncer-ini',
  ]);
});

test('git decides what is ignored: negations, nested .gitignore files, ignored folders', () => {
  const files: Record<string, string> = {
    '.gitignore': [
      '*.yml',
      '!keep.yml',
      'build/',
      '/root-only.env',
      'secrets/*',
      '!secrets/app.env',
      '',
    ].join('\n'),
    'keep.yml': 'a: 1\n',
    'drop.yml': 'a: 1\n',
    'docker-compose.yaml': 'services: {}\n',
    'root-only.env': 'A=1\n',
    'sub/root-only.env': 'A=1\n',
    'build/compose.yaml': 'services: {}\n',
    'secrets/app.env': 'A=1\n',
    'secrets/db.env': 'A=1\n',
    'svc/.gitignore': ['!*.yml', 'docker-compose.yaml', 'local/', ''].join('\n'),
    'svc/deploy.yml': 'a: 1\n',
    'svc/docker-compose.yaml': 'services: {}\n',
    'svc/local/.env': 'A=1\n',
    'svc/deep/.env': 'A=1\n',
    'svc/deep/.gitignore': '!docker-compose.yaml\n',
    'svc/deep/docker-compose.yaml': 'services: {}\n',
  };
  // Re-including a file inside an ignored folder does not work in git: build/ stays ignored.
  files['.gitignore'] += '!build/compose.yaml\n';
  const root = tree(files);
  const git = spawnSync('git', ['init', '-q', root], { encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  const listed = spawnSync('git', ['-C', root, 'ls-files', '--others', '--exclude-standard'], {
    encoding: 'utf8',
  });
  assert.equal(listed.status, 0, listed.stderr);
  const byGit = listed.stdout
    .split('\n')
    .filter((file) => file !== '' && deploymentKindOfPath(path.join(root, file)) !== undefined)
    .sort();
  const ours = discoverDeploymentFiles(root).files.map((file) => path.relative(root, file.path));
  assert.deepEqual(ours, byGit);
  // The expectation itself, so a change in git's output cannot make the test vacuous.
  assert.deepEqual(ours, [
    'docker-compose.yaml',
    'keep.yml',
    'secrets/app.env',
    'sub/root-only.env',
    'svc/deep/.env',
    'svc/deep/docker-compose.yaml',
    'svc/deploy.yml',
  ]);
});

test('symbolic links: followed inside the folder, never out of it or round in a loop', async () => {
  const outside = tree({ 'pgbouncer.ini': '[pgbouncer]\n', 'other/compose.yaml': 'services: {}\n' });
  const root = tree({ 'real/pgbouncer.ini': '[pgbouncer]\n', 'real/.env': 'A=1\n' });
  fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias')); // inside: its files are found again
  fs.symlinkSync(root, path.join(root, 'real', 'loop')); // back to the root: entered once only
  fs.symlinkSync(path.join(outside, 'other'), path.join(root, 'escape'));
  fs.symlinkSync(path.join(outside, 'pgbouncer.ini'), path.join(root, 'pgbouncer.ini'));
  fs.symlinkSync(path.join(root, 'real', '.env'), path.join(root, '.env'));
  fs.symlinkSync(path.join(root, 'missing.yml'), path.join(root, 'dangling.yml'));
  const result = discoverDeploymentFiles(root);
  // alias/ and real/ are one folder: whichever comes first by name is walked
  assert.deepEqual(relativeFiles(root, result), [
    '.env env',
    'alias/.env env',
    'alias/pgbouncer.ini pgbouncer-ini',
  ]);
  assert.deepEqual(relativeSkipped(root, result), [
    'alias/loop: a link to a folder already walked (a loop, or a second way in); not followed',
    'dangling.yml: a symbolic link to nothing',
    'escape: a symbolic link out of the folder; not followed',
    'pgbouncer.ini: a symbolic link out of the folder; not followed',
  ]);
  assert.deepEqual(await discoverDeploymentFilesAsync(root), result);
});

test('a named pipe is reported, never opened; a large file is reported, not read', async () => {
  const root = tree({ '.env': `A=${'x'.repeat(1.5 * 1024 * 1024)}\n`, 'compose.yaml': 'services: {}\n' });
  const fifo = spawnSync('mkfifo', [path.join(root, 'pgbouncer.ini'), path.join(root, 'tool.ini')]);
  assert.equal(fifo.status, 0);
  const result = discoverDeploymentFiles(root, { maxBytes: 1024 * 1024 }); // would hang on opening a FIFO
  assert.deepEqual(relativeFiles(root, result), ['compose.yaml compose']);
  assert.deepEqual(relativeSkipped(root, result), [
    '.env: it is larger than 1 MB (at least 1.5 MB), so it is not read',
    'pgbouncer.ini: it is a named pipe (FIFO), not a regular file',
    'tool.ini: it is a named pipe (FIFO), not a regular file',
  ]);
  assert.deepEqual(await discoverDeploymentFilesAsync(root, { maxBytes: 1024 * 1024 }), result);
});

test('maxFiles bounds the walk and says it was cut short; a missing folder is reported', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`s${String(i).padStart(2, '0')}/.env`] = 'A=1\n';
  const root = tree(files);
  const cut = discoverDeploymentFiles(root, { maxFiles: 10 });
  assert.equal(cut.truncated, true);
  // depth first in name order: s00, s00/.env, s01, s01/.env, ... (10 entries: 5 folders, 5 files)
  assert.deepEqual(
    cut.files.map((file) => path.relative(root, file.path)),
    ['s00/.env', 's01/.env', 's02/.env', 's03/.env', 's04/.env'],
  );
  assert.equal(discoverDeploymentFiles(root).files.length, 30);
  const missing = path.join(root, 'nope');
  assert.deepEqual(discoverDeploymentFiles(missing), {
    files: [],
    skipped: [{ path: missing, why: 'No such folder' }],
    truncated: false,
  });
});
