// Administration without traps (issue 33 item 5): accounts can be edited (name, role, agency); a
// change of role or place takes effect at once; no one changes their own role or disables
// themselves; disabling and resetting ask first; agencies show by name.
import t from 'tap';
import { ADMIN, api, login, staffClient, testApp } from './helpers/test-app.js';
import { pageText, signIn } from './helpers/web.js';

t.test('an administrator edits accounts; the traps are closed', async (t) => {
  const { app } = await testApp(t);
  const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const before = await login(app, clerk.email, clerk.password);

  const edited = await admin.put(`/api/staff/${clerk.id}`, { name: '李四（已调岗）', role: 'supervisor', agency: 'czj' });
  t.equal(edited.statusCode, 200, edited.body);
  t.match(edited.json(), { id: clerk.id, name: '李四（已调岗）', role: 'supervisor', agency: 'czj' });
  t.equal((await api(app, before).get('/api/auth/me')).statusCode, 401, 'a change of role and agency ends the sessions: it takes effect at once');
  const me = (await api(app, await login(app, clerk.email, clerk.password)).get('/api/auth/me')).json();
  t.match(me, { name: '李四（已调岗）', role: 'supervisor' });

  t.match((await admin.put(`/api/staff/${clerk.id}`, { name: '李四', role: 'clerk' })).json(), { error: 'validation.failed', fields: { agency: /须属于一个机关/ } });
  const self = (await admin.get('/api/auth/me')).json().id as number;
  t.match(
    (await admin.put(`/api/staff/${self}`, { name: '管理员', role: 'clerk', agency: 'fgj' })).json(),
    { fields: { role: '不能修改自己的角色' } },
    'no one changes their own role',
  );
  t.equal((await admin.put('/api/staff/999999', { name: '无此人', role: 'admin' })).statusCode, 404);

  const web = await signIn(app, ADMIN.email, ADMIN.password);
  const page = await web.get('/admin/staff');
  const text = pageText(page.body);
  t.match(text, /李四（已调岗）.*湘潭市雨湖区财政局/, 'the agency by its name, not its slug');
  t.match(page.body, /data-confirm="确定停用李四（已调岗）的账号？停用后其登录立即退出。"/, 'disabling asks first');
  t.match(page.body, /data-confirm="确定为李四（已调岗）重置密码？/, 'resetting asks first');
  t.notMatch(page.body, new RegExp(`action="/admin/staff/${self}/status"`), 'no way to disable oneself');
  const posted = await web.post(`/admin/staff/${clerk.id}`, { name: '李四', role: 'clerk', agency: 'fgj', jurisdiction: '' });
  t.equal(posted.statusCode, 303, 'the page form saves and redirects (a reload repeats nothing)');
  const listed = ((await admin.get('/api/staff')).json().items as { id: number; name: string; role: string }[]).find((a) => a.id === clerk.id);
  t.match(listed, { name: '李四', role: 'clerk' });
});
