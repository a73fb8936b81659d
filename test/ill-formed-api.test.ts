// No input gives a 500 (docs/security.md, D6, D11, D15): the corpus of test/helpers/ill-formed.ts, to every API route.
import t from 'tap';
import { sendCorpus } from './helpers/ill-formed.js';

t.test('a corpus of ill-formed input, to every API route, gives no 500', async (t) => {
  const sent = await sendCorpus(t, (path) => path.startsWith('/api/'));
  t.ok(sent > 5000, `${sent} requests sent`);
});
