// The few items of a long list that a check looks for (the databases that set auth_user, the entries
// that hold a password), kept from one analysis of a document to the next. The lists of two analyses
// hold the same objects for what an edit did not touch, so they differ in one window: the lists are
// compared object by object from both ends (reading the arrays only, not the items), and only the
// items in that window are tested again. A rule asking for the databases that set auth_user then
// costs what the edit changed, not one look at each of 10,000 entries.

/** The part of the list that changed: [start, previousEnd) of the previous list became [start, end). */
interface ChangedWindow {
  start: number;
  previousEnd: number;
  end: number;
}

interface Selection<T> {
  /** The list the positions are in. */
  of: readonly T[];
  /** The positions of the items that gave something, ascending. */
  positions: number[];
  /** What each gave, by the same index as positions. */
  results: unknown[];
}

/**
 * Selections of the items of a list, each by a key and a test (or what each item gives, by a key and
 * a function). A test must depend only on the item: an item that is the same object as in the
 * previous list is not tested again.
 */
export class KeptSelections<T> {
  private previous: readonly T[] = [];
  private current: readonly T[] = [];
  private window: ChangedWindow | null = null;
  private readonly selections = new Map<string, Selection<T>>();

  /** Starts an analysis whose list this is. */
  next(list: readonly T[]): void {
    this.previous = this.current;
    this.current = list;
    this.window = null;
    // What the last analysis did not ask for cannot be brought up to date: keys come and go with
    // the settings they name.
    for (const [key, selection] of this.selections)
      if (selection.of !== this.previous && selection.of !== list) this.selections.delete(key);
  }

  /**
   * The items of `list` that pass `test`, in list order (not to be changed). A list other than
   * the current one (that of an earlier analysis, still read after the next one started) is filtered
   * as it is.
   */
  select(list: readonly T[], key: string, test: (item: T) => boolean): readonly T[] {
    return this.collect(list, key, (item) => (test(item) ? item : undefined));
  }

  /**
   * What `make` gives for each item of `list`, in list order, leaving out undefined (an array the
   * next analysis starts from: not to be changed). `make` must depend on the item alone, and for the same item give the same thing
   * (the same object, when it makes one: the result is kept, not made again).
   */
  collect<R>(list: readonly T[], key: string, make: (item: T) => R | undefined): readonly R[] {
    if (list !== this.current) return collectOnce(list, make);
    const before = this.selections.get(key);
    let positions: number[] = [];
    let results: R[] = [];
    const add = (at: number): void => {
      const result = make(list[at]);
      if (result === undefined) return;
      positions.push(at);
      results.push(result);
    };
    if (before !== undefined && before.of === list) {
      return before.results as R[];
    } else if (before !== undefined && before.of === this.previous) {
      const window = (this.window ??= changedWindow(this.previous, list));
      const shift = window.end - window.previousEnd;
      const kept = before.positions;
      const keptResults = before.results as R[];
      // The kept ones before and after the window, copied in bulk (most of a dense list).
      const head = firstAtOrAfter(kept, window.start);
      const after = firstAtOrAfter(kept, window.previousEnd);
      positions = kept.slice(0, head);
      results = keptResults.slice(0, head);
      for (let at = window.start; at < window.end; at++) add(at);
      const tail = kept.slice(after);
      if (shift !== 0) for (let i = 0; i < tail.length; i++) tail[i] += shift;
      positions = positions.concat(tail);
      results = results.concat(keptResults.slice(after));
    } else {
      for (let at = 0; at < list.length; at++) add(at);
    }
    this.selections.set(key, { of: list, positions, results });
    return results;
  }
}

/** The index of the first of the ascending `positions` at or after `at` (its length if none). */
function firstAtOrAfter(positions: readonly number[], at: number): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle] < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** What KeptSelections.collect gives, for a list kept by nobody. */
export function collectOnce<T, R>(list: readonly T[], make: (item: T) => R | undefined): readonly R[] {
  const results: R[] = [];
  for (const item of list) {
    const result = make(item);
    if (result !== undefined) results.push(result);
  }
  return results;
}

/** The items of `list` that pass `test`: what KeptSelections.select gives, for a list kept by nobody. */
export function selectOnce<T>(list: readonly T[], test: (item: T) => boolean): readonly T[] {
  return list.filter((item) => test(item));
}

/**
 * For what is kept by adding and taking away (sums, counts): calls `removed` for each item of the
 * previous list's changed window, then `added` for each of the new list's.
 */
export function eachChanged<T>(
  previous: readonly T[],
  list: readonly T[],
  removed: (item: T) => void,
  added: (item: T) => void,
): void {
  const window = changedWindow(previous, list);
  for (let i = window.start; i < window.previousEnd; i++) removed(previous[i]);
  for (let i = window.start; i < window.end; i++) added(list[i]);
}

/**
 * Where two lists differ: the same objects before `start` and after the two ends. Only the arrays are
 * read, not the items.
 */
function changedWindow<T>(previous: readonly T[], list: readonly T[]): ChangedWindow {
  const shortest = Math.min(previous.length, list.length);
  let start = 0;
  while (start < shortest && previous[start] === list[start]) start++;
  let previousEnd = previous.length;
  let end = list.length;
  while (end > start && previousEnd > start && previous[previousEnd - 1] === list[end - 1]) {
    previousEnd--;
    end--;
  }
  return { start, previousEnd, end };
}
