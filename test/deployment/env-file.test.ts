// The `.env` format as Compose v2 reads it (compose-go dotenv/parser.go): values, and where each
// name and value is written.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFile } from '../../server/src/deployment/read/env-file';

const FILE = '/project/.env';

function values(text: string, lookup?: (name: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const one of parseEnvFile(FILE, text, lookup).vars) out[one.name] = one.value.text;
  return out;
}

/** The text a span covers. */
const at = (text: string, span: { start: number; end: number }): string => text.slice(span.start, span.end);

test('KEY=VALUE lines, blank lines and comments', () => {
  assert.deepEqual(values('# settings\n\nA=1\n  B=two words\n#C=3\n'), { A: '1', B: 'two words' });
});

test('export before a name, spaces around = and the YAML-style colon', () => {
  assert.deepEqual(values('export A=1\nB = 2\nC: 3\n'), { A: '1', B: '2', C: '3' });
});

test('unquoted values: an inline comment needs a space before #, trailing spaces go', () => {
  assert.deepEqual(values('A=value # comment\nB=no#comment\nC=x   \nD=\n'), {
    A: 'value',
    B: 'no#comment',
    C: 'x',
    D: '',
  });
});

test('single quotes are literal, double quotes take escapes and interpolation', () => {
  const text = 'USER=app\nS=\'keep \\n and ${USER}\'\nD="tab\\there \\"q\\" ${USER} \\$USER"\n';
  assert.deepEqual(values(text), { USER: 'app', S: 'keep \\n and ${USER}', D: 'tab\there "q" app $USER' });
});

test('a quoted value may span lines; after the closing quote a comment may follow', () => {
  assert.deepEqual(values('A="one\ntwo" # note\nB=3\n'), { A: 'one\ntwo', B: '3' });
});

test('unquoted values are interpolated with the variables above, $$ is a dollar', () => {
  assert.deepEqual(values('HOST=db\nURL=postgres://${HOST}:${PORT:-5432}/app\nP=pa$$word\n'), {
    HOST: 'db',
    URL: 'postgres://db:5432/app',
    P: 'pa$word',
  });
});

test('KEY alone takes the value from the lookup, and is left out without one', () => {
  assert.deepEqual(values('INHERITED\nA=1\n'), { A: '1' });
  assert.deepEqual(
    values('INHERITED\nA=1\n', (name) => (name === 'INHERITED' ? 'from-outside' : undefined)),
    { INHERITED: 'from-outside', A: '1' },
  );
});

test('the lookup comes before the variables of the file, in interpolation', () => {
  assert.deepEqual(
    values('A=mine\nB=${A}\n', (name) => (name === 'A' ? 'outer' : undefined)),
    { A: 'mine', B: 'outer' },
  );
});

test('spans: the name as written, the value as written with its quotes', () => {
  const text =
    'export DATABASE_URL="postgres://u:pw@pgbouncer:6432/app" # main\n  POOL = 20 # size\nEMPTY=\n';
  const { vars, problems } = parseEnvFile(FILE, text);
  assert.deepEqual(problems, []);
  const [url, pool, empty] = vars;
  assert.equal(url?.origin, 'env-file');
  assert.equal(url?.value.file, FILE);
  assert.equal(at(text, url!.nameSpan), 'DATABASE_URL');
  assert.equal(at(text, url!.value.span), '"postgres://u:pw@pgbouncer:6432/app"');
  assert.equal(at(text, pool!.nameSpan), 'POOL');
  assert.equal(at(text, pool!.value.span), '20');
  assert.equal(empty?.value.span.start, text.indexOf('EMPTY=') + 'EMPTY='.length);
  assert.equal(empty?.value.span.end, empty?.value.span.start);
});

test('a later line of the same name is reported after the earlier one (the later wins)', () => {
  const { vars } = parseEnvFile(FILE, 'A=1\nA=2\n');
  assert.deepEqual(
    vars.map((v) => v.value.text),
    ['1', '2'],
  );
});

test('CRLF line ends and a byte order mark', () => {
  assert.deepEqual(values('\ufeffA=1\r\nB="x"\r\n'), { A: '1', B: 'x' });
});

test('a bad name is reported on its line without its value, and the lines after it are read', () => {
  const text = 'A=1\nBAD NAME=secret-value\nB@D=secret-value\nC=3\n';
  const { vars, problems } = parseEnvFile(FILE, text);
  assert.deepEqual(
    vars.map((v) => v.name),
    ['A', 'C'],
  );
  assert.equal(problems.length, 2);
  for (const problem of problems) {
    assert.equal(problem.severity, 'error');
    assert.doesNotMatch(problem.message, /secret-value/);
  }
  assert.equal(at(text, problems[0]!.span).startsWith('BAD NAME'), true);
  assert.equal(at(text, problems[1]!.span), 'B@D=secret-value');
});

test('an unterminated quote is reported without the value', () => {
  const text = 'PASSWORD="hunter2\nNEXT=1\n';
  const { problems } = parseEnvFile(FILE, text);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /not closed/);
  assert.doesNotMatch(problems[0]!.message, /hunter2/);
});

test('a bad interpolation is reported on the value', () => {
  const text = 'A=${}\nB=${REQUIRED:?must be set}\n';
  const { vars, problems } = parseEnvFile(FILE, text);
  assert.equal(vars.length, 2);
  assert.deepEqual(
    problems.map((p) => at(text, p.span)),
    ['${}', '${REQUIRED:?must be set}'],
  );
  assert.match(problems[1]!.message, /REQUIRED is missing a value: must be set/);
});

test('any text gives a result: random bytes never throw', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = 'AB=_ "\'\\#$:{}\n\r\t-xé';
  for (let round = 0; round < 300; round++) {
    let text = '';
    const length = random() % 80;
    for (let i = 0; i < length; i++) text += alphabet[random() % alphabet.length];
    const result = parseEnvFile(FILE, text);
    for (const one of result.vars) {
      assert.ok(one.value.span.start >= 0 && one.value.span.end <= text.length);
      assert.ok(one.nameSpan.end <= text.length);
    }
  }
});
