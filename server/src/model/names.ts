// The names of [databases] entries: validation looks each one up to find duplicates, and the
// effective configuration to let a later definition replace an earlier one. A document with
// 10,000 databases would fill two maps of 10,000 names per analysis; a language server keeps one
// table per document instead (a part of its DocumentCache), where the names an edit did not change
// are found again without a lookup. A name's slot has a number (`id`, dense from 0) so that each
// pass keeps what it learns about names in an array of its own, indexed by it.

import { CachePart } from '../incremental/document-cache';
import type { DocumentCache } from '../incremental/document-cache';
import { SideTable } from '../incremental/side-table';
import type { Keyed } from '../incremental/side-table';
import type { Entry } from '../syntax/syntax';

/** One name of a table. */
export class NameSlot implements Keyed {
  /** The analysis that last asked for it (see NameTable.startAnalysis). */
  askedIn = 0;
  sideTableSlots: unknown[] | undefined = undefined;

  constructor(
    readonly text: string,
    /** Its index in the table, from 0 to table.size - 1. */
    public id: number,
  ) {}
}

interface KeptSlot {
  table: NameTable;
  epoch: number;
  slot: NameSlot;
}

/** The slot each entry had in the table of its document, for the next analysis. */
const keptSlots = new SideTable<Entry, KeptSlot>('model: the name slot of a [databases] entry');

export class NameTable {
  /**
   * @param keptByEntries whether entries keep their slots for the next analysis (a table a
   * DocumentCache keeps); a table for one analysis only looks names up.
   */
  constructor(readonly keptByEntries = false) {}

  private readonly slots = new Map<string, NameSlot>();
  private analysis = 0;
  private askedThisAnalysis = 0;
  /** Counts the times names were forgotten: an entry's slot from before is then looked up again. */
  private epoch = 0;

  /** Names in the table: every slot's id is below it. */
  get size(): number {
    return this.slots.size;
  }

  /** Starts an analysis: names no analysis asked for lately are forgotten once they are many. */
  startAnalysis(): void {
    if (this.slots.size > 2 * this.askedThisAnalysis + 1000) {
      for (const [name, slot] of this.slots) if (slot.askedIn < this.analysis) this.slots.delete(name);
      // Numbered again from 0, so that the arrays passes index by id stay as small as the table.
      let id = 0;
      for (const slot of this.slots.values()) slot.id = id++;
      this.epoch++;
    }
    this.analysis++;
    this.askedThisAnalysis = 0;
  }

  slot(name: string): NameSlot {
    let slot = this.slots.get(name);
    if (slot === undefined) this.slots.set(name, (slot = new NameSlot(name, this.slots.size)));
    return this.asked(slot);
  }

  /** The slot of an entry's key; an entry kept from the previous parse keeps it (no lookup). */
  slotOf(entry: Entry): NameSlot {
    if (!this.keptByEntries) return this.slot(entry.key.text);
    const kept = keptSlots.get(entry);
    if (kept !== undefined && kept.table === this && kept.epoch === this.epoch) return this.asked(kept.slot);
    const slot = this.slot(entry.key.text);
    keptSlots.set(entry, { table: this, epoch: this.epoch, slot });
    return slot;
  }

  private asked(slot: NameSlot): NameSlot {
    if (slot.askedIn !== this.analysis) {
      slot.askedIn = this.analysis;
      this.askedThisAnalysis++;
    }
    return slot;
  }
}

const DATABASE_NAMES = new CachePart<NameTable>(
  'model: the names of [databases] entries',
  () => new NameTable(true),
);

/**
 * The table of database names an analysis uses: the document's (its entries keep their slots from
 * one analysis to the next), or one of its own that goes when the analysis is over.
 */
export function databaseNamesFor(cache: DocumentCache | undefined): NameTable {
  if (!cache) return new NameTable();
  const table = cache.part(DATABASE_NAMES);
  table.startAnalysis();
  return table;
}
