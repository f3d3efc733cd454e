// A unified diff of two texts, line by line (Myers' O(ND) algorithm), for the audit report's
// "Recommended changes". Lines end at \n, \r\n or a lone \r, as the engine's line index counts them.

interface Line {
  /** The line without its line break. */
  text: string;
  /** The line break, '' for a last line without one. */
  eol: string;
}

type Op = { kind: ' ' | '-' | '+'; line: Line; oldIndex: number; newIndex: number };

/** Above this many changed lines the diff stops looking for the shortest script (time and memory grow as D²). */
const MAX_EDIT_DISTANCE = 4000;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/**
 * The shortest edit script from a to b as a path of ' ', '-', '+' steps (Myers 1986). Keeps, for each
 * round d, the furthest-reaching x of diagonals -d..d, then walks back from the end.
 */
function editScript(a: readonly string[], b: readonly string[]): (' ' | '-' | '+')[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    if (d > MAX_EDIT_DISTANCE) break;
    // Before round d: the furthest x of every diagonal after round d-1, diagonals -d..d.
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return [...Array<'-'>(n).fill('-'), ...Array<'+'>(m).fill('+')];

  const steps: (' ' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    if (d === 0) {
      // Round 0 is the common head: x === y here.
      for (; x > 0; x--) steps.push(' ');
      break;
    }
    const before = trace[d];
    const at = (k: number) => before[k + d];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      steps.push(' ');
      x--;
      y--;
    }
    steps.push(down ? '+' : '-');
    x = previousX;
    y = previousY;
  }
  return steps.reverse();
}

function operations(oldLines: Line[], newLines: Line[]): Op[] {
  const key = (line: Line) => line.text + line.eol;
  const a = oldLines.map(key);
  const b = newLines.map(key);
  // The common head and tail cost nothing to find and keep the search small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const middle = editScript(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  const steps = [...Array<' '>(head).fill(' '), ...middle, ...Array<' '>(tail).fill(' ')];
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  for (const kind of steps) {
    ops.push({ kind, line: kind === '+' ? newLines[j] : oldLines[i], oldIndex: i, newIndex: j });
    if (kind !== '+') i++;
    if (kind !== '-') j++;
  }
  return ops;
}

function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/**
 * The unified diff of two texts (as `diff -u` and git print it), or '' when they are the same.
 * Labels are the ---/+++ file names; `context` lines of context around each change (default 3).
 */
export function unifiedDiff(
  oldText: string,
  newText: string,
  labels: { old: string; new: string },
  context = 3,
): string {
  if (oldText === newText) return '';
  const ops = operations(splitLines(oldText), splitLines(newText));
  const out = [`--- ${labels.old}`, `+++ ${labels.new}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    // Extend the hunk over changes separated by at most 2 * context unchanged lines.
    let j = i;
    for (;;) {
      while (j < ops.length && ops[j].kind !== ' ') j++;
      let next = j;
      while (next < ops.length && ops[next].kind === ' ') next++;
      if (next < ops.length && next - j <= 2 * context) j = next;
      else break;
    }
    const end = Math.min(ops.length, j + context);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(ops[start].oldIndex, oldCount)} +${range(ops[start].newIndex, newCount)} @@`);
    for (const op of hunk) {
      out.push(op.kind + op.line.text);
      if (op.line.eol === '') out.push('\\ No newline at end of file');
    }
    i = end;
  }
  return out.join('\n') + '\n';
}
