import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { agencies, guideVersions } from '../src/db/schema.js';
import { ADMIN, api, testApp } from './helpers/test-app.js';
import { pageText, signIn, webClient } from './helpers/web.js';

const formFields = (html: string) => ({
  ...Object.fromEntries([...html.matchAll(/<input type="text" id="([a-zA-Z]+)" name="\1" value="([^"]*)"/g)].map((m) => [m[1], m[2]!])),
  ...Object.fromEntries([...html.matchAll(/<textarea id="([a-zA-Z]+)" name="\1"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [m[1], m[2]!])),
});

// A published guide reads as it was published: the guide's fixed text (art. 12's process and time
// limits) changes only for versions published after it changed.
t.test('a published guide keeps the text it was published with', async (t) => {
  const { app, db } = await testApp(t);
  const steps = async (slug: string) => ((await api(app).get(`/api/agencies/${slug}/guide`)).json().process as { step: string; text: string }[]).map((p) => p.step);

  // A version published before editions were kept (migration 0005 reads every earlier one as edition 1).
  const [mzj] = await db
    .select({ id: agencies.id })
    .from(agencies)
    .where(inArray(agencies.slug, ['mzj']));
  await db.update(guideVersions).set({ edition: 1 }).where(eq(guideVersions.agencyId, mzj!.id));
  t.same(await steps('mzj'), ['提出申请', '收到申请', '补正', '征求意见', '答复', '收费', '提供信息'], 'the earlier text');
  t.notMatch(pageText((await webClient(app).get('/guide/mzj')).body), /说明理由|查询与撤回/);

  t.same(await steps('fgj'), ['提出申请', '收到申请', '补正', '说明理由', '征求意见', '答复', '收费', '提供信息', '查询与撤回'], 'a guide published now has the current text');
  const fgj = (await api(app).get('/api/agencies/fgj/guide')).json().process as { step: string; text: string }[];
  t.match(fgj.find((p) => p.step === '说明理由')?.text, /条例第三十五条/);
  t.match(fgj.find((p) => p.step === '补正')?.text, /在本平台在线提交补正/);
  t.match(fgj.find((p) => p.step === '查询与撤回')?.text, /http:\/\/[^ ]+\/track 查询办理进度/);

  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const form = await admin.get('/admin/agencies/mzj/guide');
  t.equal((await admin.post('/admin/agencies/mzj/guide', { ...formFields(form.body), officeHours: '工作日 8:30—12:00，14:30—17:30' })).statusCode, 303);
  t.match(pageText((await admin.get('/admin/agencies/mzj/guide/preview')).body), /说明理由/, 'the preview shows the text the publication will have');
  t.equal((await admin.post('/admin/agencies/mzj/guide/publish', {})).statusCode, 303);
  t.same((await steps('mzj')).includes('说明理由'), true, 'the new version has the current text');
  const v1 = pageText((await webClient(app).get('/guide/mzj/versions/1')).body);
  t.match(v1, /这是历史版本/);
  t.notMatch(v1, /说明理由|查询与撤回/, 'version 1 still reads as published');
});
