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
  /** The positions of the items that passed, ascending. */
  positions: number[];
}

/**
 * Selections of the items of a list, each by a key and a test. A test must depend only on the item:
 * an item that is the same object as in the previous list is not tested again.
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
  }

  /**
   * The items of `list` that pass `test`, in list order (a new array each time). A list other than
   * the current one (that of an earlier analysis, still read after the next one started) is filtered
   * as it is.
   */
  select(list: readonly T[], key: string, test: (item: T) => boolean): T[] {
    if (list !== this.current) return selectOnce(list, test);
    const before = this.selections.get(key);
    const positions: number[] = [];
    if (before !== undefined && before.of === list) {
      for (const at of before.positions) positions.push(at);
    } else if (before !== undefined && before.of === this.previous) {
      const window = (this.window ??= changedWindow(this.previous, list));
      const shift = window.end - window.previousEnd;
      let i = 0;
      const kept = before.positions;
      for (; i < kept.length && kept[i] < window.start; i++) positions.push(kept[i]);
      for (let at = window.start; at < window.end; at++) if (test(list[at])) positions.push(at);
      while (i < kept.length && kept[i] < window.previousEnd) i++;
      for (; i < kept.length; i++) positions.push(kept[i] + shift);
    } else {
      for (let at = 0; at < list.length; at++) if (test(list[at])) positions.push(at);
    }
    this.selections.set(key, { of: list, positions });
    return positions.map((at) => list[at]);
  }
}

/** The items of `list` that pass `test`: what KeptSelections.select gives, for a list kept by nobody. */
export function selectOnce<T>(list: readonly T[], test: (item: T) => boolean): T[] {
  return list.filter((item) => test(item));
}

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
