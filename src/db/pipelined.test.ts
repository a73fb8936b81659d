import t from 'tap';
import { pipelined } from './pipelined.js';

const later = <T>(ms: number, value: T, fail = false) => new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

t.test('results in the order given', async (t) => {
  t.same(await pipelined([later(5, 'a'), later(1, 2)]), ['a', 2]);
});

t.test('a failure is reported only once every statement has finished, the first failure in order', async (t) => {
  let slowDone = false;
  const slow = later(30, 'slow').then((v) => ((slowDone = true), v));
  // The second statement fails first in time; the first one given fails later: its error is the one reported.
  await t.rejects(pipelined([later(10, 'first', true), later(1, 'aborted', true), slow]), { message: 'first' });
  t.ok(slowDone, 'the slow statement had finished before the failure was reported');
});
