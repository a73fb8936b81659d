// No input gives a 500 (docs/security.md, D6, D11, D15): the corpus of test/helpers/ill-formed.ts, to every page and every other route.
import t from 'tap';
import { sendCorpus } from './helpers/ill-formed.js';

t.test('a corpus of ill-formed input, to every page and every other route, gives no 500', async (t) => {
  const sent = await sendCorpus(t, (path) => !path.startsWith('/api/'));
  t.ok(sent > 10000, `${sent} requests sent`);
});
