// What the analyses of one document keep for the next, so that an edit costs about what it changes.
// The language server has one DocumentCache per open document; the CLI has none. It knows nothing of
// what is kept: each layer declares its own part (a CachePart, typed, created on first use) and is
// the only one to read or write it — the parser its previous parse, connection strings those already
// read, the model its table of names and the events of unchanged entries, validation and the pool
// model what they derived from unchanged connection strings.

/** One layer's part of a document's cache. */
export class CachePart<T> {
  constructor(
    /** Who owns it, for debugging: "syntax: previous parse". */
    readonly owner: string,
    readonly create: () => T,
  ) {}
}

export class DocumentCache {
  private readonly parts = new Map<CachePart<unknown>, unknown>();

  /** The part, made on first use. */
  part<T>(part: CachePart<T>): T {
    let value = this.parts.get(part as CachePart<unknown>) as T | undefined;
    if (value === undefined) {
      value = part.create();
      this.parts.set(part as CachePart<unknown>, value);
    }
    return value;
  }

  /** Forgets everything (after an analysis that failed half way: a part may be half updated). */
  clear(): void {
    this.parts.clear();
  }
}
