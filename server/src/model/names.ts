// The names of [databases] entries: validation looks each one up to find duplicates, and the
// effective configuration to let a later definition replace an earlier one. A document with
// 10,000 databases would fill two maps of 10,000 names per analysis; a language server keeps
// one table per document instead (see DocumentCache), where the names an edit did not change are
// found again. Each use is a pass with a number of its own, so that passes never mix.

/** What the passes over a configuration learnt about one name. */
export class NameSlot {
  /** The pass of validation that last saw the name, and where. */
  validatedIn = 0;
  validatedAt: unknown = undefined;
  /** The pass of the effective configuration that last placed it, and where in its list. */
  placedIn = 0;
  placedAt = 0;
  /** The analysis that last asked for it (see NameTable.startAnalysis). */
  askedIn = 0;
}

let passes = 0;

/** A number no other pass has. */
export function newPass(): number {
  return ++passes;
}

export class NameTable {
  private readonly slots = new Map<string, NameSlot>();
  private analysis = 0;
  private askedThisAnalysis = 0;

  /** Starts an analysis: names no analysis asked for lately are forgotten once they are many. */
  startAnalysis(): void {
    if (this.slots.size > 2 * this.askedThisAnalysis + 1000) {
      for (const [name, slot] of this.slots) if (slot.askedIn < this.analysis) this.slots.delete(name);
    }
    this.analysis++;
    this.askedThisAnalysis = 0;
  }

  slot(name: string): NameSlot {
    let slot = this.slots.get(name);
    if (slot === undefined) this.slots.set(name, (slot = new NameSlot()));
    if (slot.askedIn !== this.analysis) {
      slot.askedIn = this.analysis;
      this.askedThisAnalysis++;
    }
    return slot;
  }
}
