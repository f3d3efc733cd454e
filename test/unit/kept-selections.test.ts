// KeptSelections tests again only the items an edit changed: after any sequence of list changes,
// each selection must be what filtering the whole list gives, whichever selections were asked for
// in between.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { collectOnce, KeptSelections } from '../../server/src/incremental/kept-selections';
import { ANYWHERE } from '../support/typed-text';

interface Item {
  value: number;
}

const TESTS: Record<string, (item: Item) => boolean> = {
  even: (item) => item.value % 2 === 0,
  'multiple of 5': (item) => item.value % 5 === 0,
  none: () => false,
  all: () => true,
};

const CHANGE = fc.record({
  at: ANYWHERE,
  removed: fc.oneof(fc.constant(0), fc.constant(1), fc.nat(4), fc.nat(60)),
  added: fc.array(fc.nat(100), { maxLength: 6 }),
  // which selections the next analysis asks for (some analyses ask for none of them)
  asked: fc.subarray(Object.keys(TESTS)),
  // the same list again, as when an analysis runs twice on the same text
  again: fc.boolean(),
});

test('each selection is the filtered list, and each collection the mapped one, after any changes and with selections skipped', () => {
  let checked = 0;
  const sequences = fc.record({
    start: fc.array(fc.nat(100), { maxLength: 80 }),
    changes: fc.array(CHANGE, { minLength: 1, maxLength: 25 }),
  });
  for (const { start, changes } of fc.sample(sequences, { seed: 2026_12, numRuns: 400 })) {
    const selections = new KeptSelections<Item>();
    let list: Item[] = start.map((value) => ({ value }));
    for (const change of changes) {
      const from = Math.floor(change.at * (list.length + 1));
      const next = [...list];
      // new objects, some with values of the old ones: only identity says an item is unchanged
      next.splice(from, change.removed, ...change.added.map((value) => ({ value })));
      list = next;
      for (let round = 0; round < (change.again ? 2 : 1); round++) {
        selections.next(list);
        for (const key of change.asked) {
          assert.deepEqual(selections.select(list, key, TESTS[key]), list.filter(TESTS[key]), key);
          checked++;
        }
        if (change.asked.length % 2 === 1) {
          const tripled = (item: Item): number | undefined =>
            item.value % 3 === 0 ? item.value * 3 : undefined;
          assert.deepEqual(selections.collect(list, 'tripled', tripled), collectOnce(list, tripled));
          assert.deepEqual(
            collectOnce(list, tripled),
            list.filter((item) => item.value % 3 === 0).map((item) => item.value * 3),
          );
        }
      }
    }
  }
  assert.ok(checked > 2000, `only ${checked} selections checked`);
});

test('an unchanged item is not tested again; a changed or moved-in one is', () => {
  const items = Array.from({ length: 1000 }, (_, value) => ({ value }));
  const selections = new KeptSelections<Item>();
  let tested = 0;
  const even = (item: Item): boolean => {
    tested++;
    return item.value % 2 === 0;
  };
  selections.next(items);
  assert.equal(selections.select(items, 'even', even).length, 500);
  assert.equal(tested, 1000);
  tested = 0;
  const edited = [...items];
  edited[500] = { value: 501 };
  selections.next(edited);
  const selected = selections.select(edited, 'even', even);
  assert.equal(tested, 1);
  assert.equal(selected.length, 499);
  assert.ok(!selected.includes(items[500]));
  // the list of the earlier analysis, read after the next one started: filtered as it is
  assert.equal(selections.select(items, 'even', even).length, 500);
});
