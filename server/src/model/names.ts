// The names of [databases] entries: validation looks each one up to find duplicates, and the
// effective configuration to let a later definition replace an earlier one. A document with
// 10,000 databases would fill two maps of 10,000 names per analysis; a language server keeps
// one table per document instead (see DocumentCache), where the names an edit did not change are
// found again. Each use is a pass with a number of its own, so that passes never mix.

import { EntryNode } from '../syntax/parser';
import type { Entry } from '../syntax/syntax';

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
  /** Whether the name is that of a [pgbouncer] setting, once validation has asked. */
  isMainSetting: boolean | undefined = undefined;
}

let passes = 0;

/** A number no other pass has. */
export function newPass(): number {
  return ++passes;
}

export class NameTable {
  /**
   * @param keptByEntries whether entries keep their slots for the next analysis (a table a
   * DocumentCache keeps); a table for one analysis only looks names up.
   */
  constructor(private readonly keptByEntries = false) {}

  private readonly slots = new Map<string, NameSlot>();
  private analysis = 0;
  private askedThisAnalysis = 0;
  /** Counts the times names were forgotten: an entry's slot from before is then looked up again. */
  private epoch = 0;

  /** Starts an analysis: names no analysis asked for lately are forgotten once they are many. */
  startAnalysis(): void {
    if (this.slots.size > 2 * this.askedThisAnalysis + 1000) {
      for (const [name, slot] of this.slots) if (slot.askedIn < this.analysis) this.slots.delete(name);
      this.epoch++;
    }
    this.analysis++;
    this.askedThisAnalysis = 0;
  }

  slot(name: string): NameSlot {
    let slot = this.slots.get(name);
    if (slot === undefined) this.slots.set(name, (slot = new NameSlot()));
    return this.asked(slot);
  }

  /** The slot of an entry's key; an entry kept from the previous parse keeps it (no lookup). */
  slotOf(entry: Entry): NameSlot {
    if (!this.keptByEntries || !(entry instanceof EntryNode)) return this.slot(entry.key.text);
    const kept = entry.nameSlot as KeptSlot | undefined;
    if (kept !== undefined && kept.table === this && kept.epoch === this.epoch) return this.asked(kept.slot);
    const slot = this.slot(entry.key.text);
    entry.nameSlot = { table: this, epoch: this.epoch, slot } satisfies KeptSlot;
    return slot;
  }

  /**
   * Forgets every name. A table only one analysis uses is scratch: once validation and the
   * effective configuration have been made, keeping 100,000 names would only hold memory.
   */
  clear(): void {
    this.slots.clear();
    this.epoch++;
  }

  private asked(slot: NameSlot): NameSlot {
    if (slot.askedIn !== this.analysis) {
      slot.askedIn = this.analysis;
      this.askedThisAnalysis++;
    }
    return slot;
  }
}

interface KeptSlot {
  table: NameTable;
  epoch: number;
  slot: NameSlot;
}
