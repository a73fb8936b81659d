// 关怀模式 (care mode, 适老化): larger text and higher contrast on every page, chosen on any page and
// remembered; a staff entrance and a favicon on public pages (contract, "Added 2026-12-07").
import t from 'tap';
import { logCapture, testApp } from './helpers/test-app.js';
import { webClient } from './helpers/web.js';

t.test('care mode is switched on any page, remembered, and brings the reader back where they were', async (t) => {
  const { app } = await testApp(t);
  const web = webClient(app);
  const plain = await web.get('/guide');
  t.match(plain.body, /<html lang="zh-CN">/, 'off by default');
  t.match(plain.body, /<a class="care-switch" href="\/care\?on=1&amp;return=%2Fguide">关怀模式<\/a>/, 'the switch is on the page');
  t.match(plain.body, /<a href="\/staff\/login">工作人员入口<\/a>/, 'and the staff entrance');
  t.match(plain.body, /<link rel="icon" href="\/assets\/favicon.svg\?v=\w+" type="image\/svg\+xml">/);
  t.equal(plain.headers.vary, 'Cookie', 'caches keep the two variants apart');
  const tracking = (await web.get('/track?trackingNumber=FGJ-2026-00001&accessCode=K7M2Q9XW4T&x=evil')).body;
  t.match(
    tracking,
    /href="\/care\?on=1&amp;return=%2Ftrack%3FtrackingNumber%3DFGJ-2026-00001%26accessCode%3DK7M2Q9XW4T"/,
    'back to the same request, and nothing else the address carried',
  );

  const on = await web.get(`/care?on=1&return=${encodeURIComponent('/guide/fgj')}`);
  t.equal(on.statusCode, 303);
  t.equal(on.headers.location, '/guide/fgj', 'back to the page it was chosen on');
  t.match(String(on.headers['set-cookie']), /ogi_care=1;.*Max-Age=31536000/);
  for (const url of ['/guide/fgj', '/apply', '/track', '/guide/fgj']) {
    const page = await web.get(url);
    t.match(page.body, /<html lang="zh-CN" class="care">/, `${url} in care mode`);
    t.match(page.body, /退出关怀模式/);
  }
  t.notMatch((await webClient(app).get('/guide/fgj')).body, /class="care"/, "another reader's guide page stays plain (the page cache keeps both)");

  t.equal((await web.get(`/care?on=0&return=${encodeURIComponent('//evil.example/x')}`)).headers.location, '/', 'never to another site');
  t.match((await web.get('/guide')).body, /<html lang="zh-CN">/, 'and off again');

  const favicon = await web.get('/favicon.ico');
  t.equal(favicon.statusCode, 301);
  const svg = await web.get(String(favicon.headers.location));
  t.equal(svg.headers['content-type'], 'image/svg+xml');
  t.match(svg.body, /^<svg /);
});

t.test('switching on a tracking page leaves the access code in its address out of the log', async (t) => {
  const { lines, stream } = logCapture();
  const { app } = await testApp(t, { logStream: stream, config: { logLevel: 'info' } });
  const code = 'K7M2Q9XW4T';
  const res = await webClient(app).get(`/care?on=1&return=${encodeURIComponent(`/track?trackingNumber=FGJ-2026-00001&accessCode=${code}`)}`);
  t.equal(res.headers.location, `/track?trackingNumber=FGJ-2026-00001&accessCode=${code}`, 'back to the tracking page as it was');
  const log = lines.join('\n');
  t.match(log, /\/care\?on=1/, 'the request is logged');
  t.notMatch(log, code, 'without the code');
});
