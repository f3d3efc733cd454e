// The few items of a long list that a check looks for (the databases that set auth_user, the entries
// that hold a password), kept from one analysis of a document to the next. The lists of two analyses
// hold the same objects for what an edit did not touch, so they differ in one window: the lists are
// compared object by object from both ends (reading the arrays only, not the items), and only the
// items in that window are tested again. A rule asking for the databases that set auth_user then
// costs what the edit changed, not one look at each of 10,000 entries.

/** The part of the list that changed: [start, previousEnd) of the previous list became [start, end). */
export interface ChangedWindow {
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
   * The items of `list` that pass `test`, in list order (a new array each time). A list other than
   * the current one (that of an earlier analysis, still read after the next one started) is filtered
   * as it is.
   */
  select(list: readonly T[], key: string, test: (item: T) => boolean): T[] {
    return this.collect(list, key, (item) => (test(item) ? item : undefined));
  }

  /**
   * What `make` gives for each item of `list`, in list order, leaving out undefined (a new array
   * each time). `make` must depend on the item alone, and for the same item give the same thing
   * (the same object, when it makes one: the result is kept, not made again).
   */
  collect<R>(list: readonly T[], key: string, make: (item: T) => R | undefined): R[] {
    if (list !== this.current) return collectOnce(list, make);
    const before = this.selections.get(key);
    const positions: number[] = [];
    const results: R[] = [];
    const add = (at: number): void => {
      const result = make(list[at]);
      if (result === undefined) return;
      positions.push(at);
      results.push(result);
    };
    if (before !== undefined && before.of === list) {
      return before.results.slice() as R[];
    } else if (before !== undefined && before.of === this.previous) {
      const window = (this.window ??= changedWindow(this.previous, list));
      const shift = window.end - window.previousEnd;
      const kept = before.positions;
      const keptResults = before.results as R[];
      let i = 0;
      for (; i < kept.length && kept[i] < window.start; i++) {
        positions.push(kept[i]);
        results.push(keptResults[i]);
      }
      for (let at = window.start; at < window.end; at++) add(at);
      while (i < kept.length && kept[i] < window.previousEnd) i++;
      for (; i < kept.length; i++) {
        positions.push(kept[i] + shift);
        results.push(keptResults[i]);
      }
    } else {
      for (let at = 0; at < list.length; at++) add(at);
    }
    this.selections.set(key, { of: list, positions, results });
    return results.slice();
  }
}

/** What KeptSelections.collect gives, for a list kept by nobody. */
export function collectOnce<T, R>(list: readonly T[], make: (item: T) => R | undefined): R[] {
  const results: R[] = [];
  for (const item of list) {
    const result = make(item);
    if (result !== undefined) results.push(result);
  }
  return results;
}

/** The items of `list` that pass `test`: what KeptSelections.select gives, for a list kept by nobody. */
export function selectOnce<T>(list: readonly T[], test: (item: T) => boolean): T[] {
  return list.filter((item) => test(item));
}

/**
 * Where two lists differ: the same objects before `start` and after the two ends. Only the arrays are
 * read, not the items.
 */
export function changedWindow<T>(previous: readonly T[], list: readonly T[]): ChangedWindow {
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
