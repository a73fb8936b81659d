// patches/postgres+3.4.9.patch changes how postgres.js's pool queue (src/queue.js) keeps its entries:
// `remove` searches from the first live entry, and `shift` compacts the array once holes are half of
// it. The pool hands out connections from these queues, so the patched queue must still behave as a
// queue: checked here against a plain array under the pattern of a busy pool (a few live entries,
// hundreds of thousands of shifts, pushes and removals, holes compacted many times over). The speed it
// was patched for is measured by `npm run bench:sustained` (README).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import t from 'tap';

type Queue<T> = { readonly length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };
// The module the pool itself imports (the package's ESM entry), not a copy.
const entry = createRequire(import.meta.url)
  .resolve('postgres')
  .replace(/cjs[\\/]src[\\/]index\.js$/, 'src/index.js');
const { default: Queue } = (await import(pathToFileURL(entry.replace(/index\.js$/, 'queue.js')).href)) as { default: <T>(initial?: T[]) => Queue<T> };

t.test('a busy pool’s pattern: the queue agrees with a plain array at every step', async (t) => {
  let seed = 42;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
  const queue = Queue<number>();
  const model: number[] = [];
  let next = 0;
  let mismatches = 0;
  const check = (got: unknown, expected: unknown) => {
    if (got !== expected || queue.length !== model.length) mismatches += 1;
  };
  const add = () => {
    queue.push(next);
    model.push(next);
    next += 1;
  };
  for (let i = 0; i < 10; i += 1) add();
  for (let step = 0; step < 300_000; step += 1) {
    const op = random(20);
    // Between 5 and 20 live entries, so that the queue never runs empty by `shift` (which would clear
    // its holes) and the holes pile up as in a pool whose connections are all busy.
    if (model.length < 5 || (op < 5 && model.length < 20)) {
      add();
    } else if (op < 14) {
      // The pool takes the connection that has waited longest, tries to move it out of the queue it
      // has already left (not found), and puts it back at the end.
      const taken = queue.shift();
      const expected = model.shift();
      check(taken, expected);
      check(queue.remove(taken!), null);
      queue.push(taken!);
      model.push(expected!);
      check(queue.length, model.length);
    } else if (op < 19) {
      // A connection leaves the queue from anywhere in it.
      const target = model[random(model.length)]!;
      model.splice(model.indexOf(target), 1);
      check(queue.remove(target), target);
    } else {
      // One that was never in it is looked for.
      check(queue.remove(-1 - step), null);
    }
  }
  t.equal(mismatches, 0, 'same entries, same order, same length');
  while (model.length) t.equal(queue.shift(), model.shift());
  t.equal(queue.length, 0, 'and it runs empty with the model');
});
