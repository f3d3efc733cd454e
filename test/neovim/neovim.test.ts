// The language server beyond VS Code: Debian's Neovim (0.7.2 on Debian 12), headless, with its built-in LSP
// client and README's configuration taken verbatim from README.md, opens a broken pgbouncer.ini. A Lua
// script run inside Neovim waits for the diagnostics, asks for completion and hover with
// vim.lsp.buf_request_sync, and writes what it got to a JSON file that this test reads.
//
// `pgbouncer-language-server` is put on PATH as `npm link` would (a link to the built dist/server.js).
// Needs nvim (`bash scripts/install-e2e-deps.sh`, or apt-get install -y neovim): without it the test fails
// in CI (CI=true) and is skipped, with the command, elsewhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const INSTALL = 'bash scripts/install-e2e-deps.sh (or: apt-get install -y neovim)';

function findNvim(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const nvim = findNvim();
const missing = nvim ? undefined : `nvim is not installed; install it with: ${INSTALL}`;
const opts = { skip: missing && !IN_CI ? missing : undefined, timeout: 120_000 };

/** A configuration PgBouncer refuses (an inline comment in a number), with an empty line in [pgbouncer]. */
const BROKEN = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
pool_mode = session
server_idle_timeout = 600 # ten minutes

max_client_conn = 200
`;
const LISTEN_PORT_LINE = 5; // 0-based, as LSP counts
const EMPTY_LINE = 10;
const ERROR_LINE = 9;

/** The ```lua block of README.md's "### Neovim" section. */
function readmeNeovimConfig(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.indexOf('### Neovim');
  assert.ok(section >= 0, 'README.md has a "### Neovim" section');
  const block = /```lua\n([\s\S]*?)```/.exec(readme.slice(section));
  assert.ok(block, "README.md's Neovim section has a ```lua block");
  return block[1];
}

/** Runs inside Neovim after the file is loaded; writes RESULT_FILE and quits. */
const CHECKS = String.raw`
local out = { steps = {} }
local result_file = vim.env.RESULT_FILE
local function write()
  local f = assert(io.open(result_file, 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
end
local function clients(buf)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
  return vim.tbl_values(vim.lsp.buf_get_clients(buf))
end
local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  local v = vim.version()
  out.nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  out.filetype = vim.bo[buf].filetype
  out.has_lsp_start = vim.lsp.start ~= nil
  local t0 = vim.loop.hrtime()
  local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
  vim.wait(20000, function() return #clients(buf) > 0 end, 20)
  out.clients = vim.tbl_map(function(c) return c.name end, clients(buf))
  out.steps.attached = ms()
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  out.steps.diagnostics = ms()
  out.diagnostics = vim.tbl_map(function(d)
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    return { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source, code = code }
  end, vim.diagnostic.get(buf))
  local uri = vim.uri_from_bufnr(buf)
  local function request(method, line, character)
    local answers, request_err = vim.lsp.buf_request_sync(buf, method, {
      textDocument = { uri = uri },
      position = { line = line, character = character },
    }, 10000)
    if not answers then return { error = tostring(request_err) } end
    for _, answer in pairs(answers) do
      return { result = answer.result, error = answer.err and vim.inspect(answer.err) or nil }
    end
    return { error = 'no client answered' }
  end
  out.completion = request('textDocument/completion', tonumber(vim.env.EMPTY_LINE), 0)
  out.steps.completion = ms()
  out.hover = request('textDocument/hover', tonumber(vim.env.LISTEN_PORT_LINE), 3)
  out.steps.hover = ms()
end)
if not ok then out.error = tostring(err) end
write()
vim.cmd('qa!')
`;

interface NvimResult {
  nvim: string;
  filetype: string;
  has_lsp_start: boolean;
  clients: string[];
  steps: Record<string, number>;
  diagnostics: {
    lnum: number;
    col: number;
    severity: number;
    message: string;
    source?: string;
    code?: string;
  }[];
  completion: { result?: unknown; error?: string };
  hover: { result?: { contents: unknown } | null; error?: string };
  error?: string;
}

let dir: string;
let result: NvimResult;
let elapsed = 0;

before(() => {
  if (missing) {
    if (IN_CI) throw new Error(`CI is set, so the Neovim test must run, not skip: ${missing}`);
    return;
  }
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  fs.mkdirSync(path.join(ROOT, '.test-tmp'), { recursive: true });
  dir = fs.mkdtempSync(path.join(ROOT, '.test-tmp', 'neovim-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(SERVER, path.join(bin, 'pgbouncer-language-server'));
  fs.mkdirSync(path.join(dir, 'project'));
  fs.writeFileSync(path.join(dir, 'project', 'pgbouncer.ini'), BROKEN);
  fs.writeFileSync(
    path.join(dir, 'project', 'userlist.txt'),
    '"app" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"\n',
  );
  fs.writeFileSync(path.join(dir, 'init.lua'), readmeNeovimConfig());
  fs.writeFileSync(path.join(dir, 'checks.lua'), CHECKS);
  const resultFile = path.join(dir, 'result.json');
  const started = Date.now();
  const run = spawnSync(
    nvim!,
    [
      '--headless',
      '-n',
      '-i',
      'NONE',
      '-u',
      path.join(dir, 'init.lua'),
      'pgbouncer.ini',
      '-c',
      `luafile ${path.join(dir, 'checks.lua')}`,
    ],
    {
      cwd: path.join(dir, 'project'),
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        // keep Neovim away from the user's own configuration, state and plugins
        XDG_CONFIG_HOME: path.join(dir, 'config'),
        XDG_DATA_HOME: path.join(dir, 'data'),
        XDG_STATE_HOME: path.join(dir, 'state'),
        XDG_CACHE_HOME: path.join(dir, 'cache'),
        RESULT_FILE: resultFile,
        EMPTY_LINE: String(EMPTY_LINE),
        LISTEN_PORT_LINE: String(LISTEN_PORT_LINE),
      },
    },
  );
  elapsed = Date.now() - started;
  assert.ok(
    fs.existsSync(resultFile),
    `nvim wrote no result (exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`,
  );
  result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  console.log(`nvim ${result.nvim}: ${elapsed} ms in all, steps ${JSON.stringify(result.steps)}`);
  assert.equal(result.error, undefined, `the checks inside Neovim failed: ${result.error}`);
});

after(() => {
  if (dir && !process.env.E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
});

test(
  "README's configuration: pgbouncer.ini gets the pgbouncer file type and the server attaches",
  opts,
  () => {
    assert.equal(result.filetype, 'pgbouncer');
    assert.deepEqual(result.clients, ['pgbouncer']);
  },
);

test('diagnostics arrive for the broken file', opts, () => {
  const errors = result.diagnostics.filter((d) => d.severity === 1);
  const inlineComment = errors.find((d) => d.lnum === ERROR_LINE);
  assert.ok(inlineComment, `an error on line ${ERROR_LINE + 1}: ${JSON.stringify(result.diagnostics)}`);
  assert.match(inlineComment.message, /Invalid value '600 # ten minutes' for server_idle_timeout/);
  assert.equal(inlineComment.source, 'pgbouncer');
  assert.equal(inlineComment.code, 'invalid-value');
});

test('completion answers with the keys of [pgbouncer]', opts, () => {
  assert.equal(result.completion.error, undefined);
  const answer = result.completion.result as { items?: { label: string }[] } | { label: string }[] | null;
  const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
  const labels = items.map((item) => item.label);
  assert.ok(
    labels.includes('ignore_startup_parameters'),
    `completion labels: ${labels.slice(0, 20).join(', ')}`,
  );
});

test('hover answers with what a key means', opts, () => {
  assert.equal(result.hover.error, undefined);
  const contents = JSON.stringify(result.hover.result?.contents ?? null);
  assert.match(contents, /listen_port/);
  assert.match(contents, /Port for TCP connections/);
});
