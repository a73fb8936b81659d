import t from 'tap';
import { createGroupCommit } from './group-commit.js';

/** A commit that records its groups and waits until released, like a transaction under way. */
function recorder(options: { fail?: (items: number[]) => boolean } = {}) {
  const groups: number[][] = [];
  const pending: (() => void)[] = [];
  return {
    groups,
    release: () => pending.splice(0).forEach((go) => go()),
    async commit(items: number[]): Promise<string[]> {
      groups.push(items);
      await new Promise<void>((go) => pending.push(go));
      if (options.fail?.(items)) throw new Error(`group ${items.join(',')} failed`);
      return items.map((i) => `filed ${i}`);
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('one item alone starts at once; those arriving meanwhile go together in the next group', async (t) => {
  const r = recorder();
  const gc = createGroupCommit({ commit: r.commit, maxItems: 50, concurrency: 1 });
  const first = gc.run(1);
  await settle();
  t.same(r.groups, [[1]], 'no waiting for company');
  const rest = [2, 3, 4].map((i) => gc.run(i));
  r.release();
  t.equal(await first, 'filed 1');
  await settle();
  t.same(r.groups, [[1], [2, 3, 4]]);
  r.release();
  t.same(await Promise.all(rest), ['filed 2', 'filed 3', 'filed 4'], 'each gets its own result');
});

t.test('groups stop at the item limit and at the weight limit; a heavy item goes alone', async (t) => {
  const r = recorder();
  const weights: Record<number, number> = { 2: 5, 3: 5, 4: 5, 5: 30, 6: 1 };
  const gc = createGroupCommit({ commit: r.commit, maxItems: 3, maxWeight: 10, weightOf: (i) => weights[i] ?? 0, concurrency: 1 });
  const all = [gc.run(1)];
  await settle();
  all.push(...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => gc.run(i)));
  for (let i = 0; i < 6; i += 1) {
    r.release();
    await settle();
  }
  await Promise.all(all);
  t.same(r.groups, [[1], [2, 3], [4], [5], [6, 7, 8], [9]]);
});

t.test('a group that fails is tried item by item: only the bad item fails', async (t) => {
  const r = recorder({ fail: (items) => items.includes(3) });
  const gc = createGroupCommit({ commit: r.commit, maxItems: 50, concurrency: 1 });
  const first = gc.run(1);
  await settle();
  const rest = [2, 3, 4].map((i) => gc.run(i).catch((err: Error) => err.message));
  for (let i = 0; i < 4; i += 1) {
    r.release();
    await settle();
  }
  await first;
  t.same(await Promise.all(rest), ['filed 2', 'group 3 failed', 'filed 4']);
  t.same(r.groups, [[1], [2, 3, 4], [2], [3], [4]]);
});

t.test('up to `concurrency` groups are under way at once', async (t) => {
  const r = recorder();
  const gc = createGroupCommit({ commit: r.commit, maxItems: 50, concurrency: 2 });
  const all = [gc.run(1), gc.run(2)];
  await settle();
  all.push(gc.run(3), gc.run(4));
  await settle();
  t.same(r.groups, [[1], [2]], 'two lone items, each in its own transaction; the rest wait');
  r.release();
  await settle();
  r.release();
  await Promise.all(all);
  t.same(r.groups.slice(2).flat().sort(), [3, 4]);
});
