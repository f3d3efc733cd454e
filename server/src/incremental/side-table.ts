// What a layer remembers about the objects of a lower layer (parse-tree entries, connection
// strings) from one analysis to the next, in a table of its own: typed, private to the layer that
// declares it, and gone with the object, like a WeakMap. A WeakMap per layer is what this replaces:
// a one-character edit in 10,000 entries looked each entry up in five of them, and the hashing
// and probing of those lookups doubled the edit's cost (bench/README.md, the rebuild round). So the
// object holds one array, `sideTableSlots`, that only this module reads or writes, and each table
// is an index into it: a lookup is two loads. The lower layer declares that it can be keyed
// (Keyed) and knows nothing of what is kept; as TypeScript's checker keeps its node links.

/** An object side tables can key on: the field is this module's, no one else reads it. */
export interface Keyed {
  sideTableSlots?: unknown[] | undefined;
}

let tablesMade = 0;

export class SideTable<K extends Keyed, V> {
  private readonly index = tablesMade++;

  /** @param purpose what the layer keeps, for whoever reads the code (and a debugger). */
  constructor(readonly purpose: string) {}

  get(key: K): V | undefined {
    const slots = key.sideTableSlots;
    return slots === undefined ? undefined : (slots[this.index] as V | undefined);
  }

  set(key: K, value: V): void {
    let slots = key.sideTableSlots;
    if (slots === undefined) {
      // Room for every table made so far, so that the array keeps one shape.
      slots = key.sideTableSlots = new Array<unknown>(tablesMade).fill(undefined);
    } else if (slots.length <= this.index) {
      while (slots.length <= this.index) slots.push(undefined);
    }
    slots[this.index] = value;
  }
}
