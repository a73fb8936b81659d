import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { PROJECT_ROOT } from '../src/config/paths.js';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application, PDF, VALID_RESIDENT_ID } from './helpers/factories.js';
import { launchBrowser } from './helpers/browser.js';

const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');

t.test('in a real browser', async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const { app, clock } = await testApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { browser } = await launchBrowser();
  t.teardown(() => browser.close());
  const violations: string[] = [];
  const open = async (width: number): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
    t.teardown(() => context.close());
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
    });
    return page;
  };

  const shot = (page: Page, name: string, width: number) => page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });

  for (const width of [1280, 375]) {
    await t.test(`a citizen applies with an attachment, fixes a bad ID number, and follows the request (${width} px)`, async (t) => {
      const page = await open(width);
      await page.goto(base);
      t.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.keyboard.press('Tab');
      t.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到正文', 'the first Tab reaches the skip link');
      await shot(page, 'home', width);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      t.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow})`);

      await page.getByRole('link', { name: '提出申请' }).first().click();
      await page.waitForURL(`${base}/apply`);
      await page.getByLabel('受理机关').selectOption('fgj');
      await page.getByLabel('公民', { exact: true }).check();
      await page.getByLabel('姓名或名称').fill('王小明');
      await page.getByLabel('证件类型').selectOption('resident_id');
      await page.getByLabel('证件号码').fill('110105194912310021');
      await page.getByLabel('联系电话').fill('13800138000');
      await page.getByLabel('电子邮箱').fill('wang@example.com');
      await page.getByLabel('所需政府信息的内容描述').fill('请公开2026年雨湖区城市道路维修工程的招标文件和中标结果');
      await page.getByLabel('电子文档').check();
      await page.getByLabel('电子邮件').check();
      await page.setInputFiles('#attachments', { name: '身份证明.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: '提交申请' }).click();

      const error = page.locator('#applicant_idNumber-error');
      await error.waitFor();
      t.equal(await error.textContent(), '居民身份证号码校验位不正确，请核对', 'the error is shown beside the field');
      t.equal(await page.getByLabel('姓名或名称').inputValue(), '王小明', 'entered values are kept');
      t.equal(await page.getByRole('alert').count(), 1, 'the error summary is announced');
      t.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'focus moves to the summary');
      t.equal(await page.locator('#attachments-reselect').textContent(), '您选择的文件没有保存，请重新选择后再提交。', 'asked to choose the file again');
      await shot(page, 'form', width);

      // A file over 10 MB: the browser gets the form back with what was typed, not a broken connection.
      await page.getByLabel('证件号码').fill(VALID_RESIDENT_ID);
      await page.setInputFiles('#attachments', { name: '扫描件.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(12 * 1024 * 1024)]) });
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.locator('#attachments-error').waitFor();
      t.equal(await page.locator('#attachments-error').textContent(), '附件“扫描件.pdf”超过 10 MB');
      t.equal(await page.getByLabel('证件号码').inputValue(), VALID_RESIDENT_ID, 'what was typed is kept');

      await page.setInputFiles('#attachments', { name: '身份证明.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.waitForURL(`${base}/apply/done`);
      const facts = await page.locator('dl.facts').innerText();
      const trackingNumber = /FGJ-2026-\d{5}/.exec(facts)?.[0];
      const accessCode = /查询码\s*([A-Z2-9]{8})/.exec(facts)?.[1];
      t.ok(trackingNumber && accessCode, `confirmation shows ${trackingNumber} and the access code`);
      t.match(facts, /2026年3月30日前/);
      t.ok(await page.getByRole('heading', { name: '政府信息公开申请接收回执' }).isVisible(), 'the printable receipt');
      await shot(page, 'confirmation', width);

      await page.goto(`${base}/track`);
      await page.getByLabel('申请编号').fill(trackingNumber!);
      await page.getByLabel('查询码').fill('WRONGCOD');
      await page.getByRole('button', { name: '查询' }).click();
      t.match(await page.getByRole('alert').innerText(), /没有找到与该申请编号和查询码相符的申请/);
      await page.getByLabel('申请编号').fill(trackingNumber!);
      await page.getByLabel('查询码').fill(accessCode!);
      await page.getByRole('button', { name: '查询' }).click();
      await page.getByRole('heading', { name: `申请 ${trackingNumber}` }).waitFor();
      t.match(await page.locator('main').innerText(), /已受理，待分办/);
      await shot(page, 'tracking', width);

      await page.goto(`${base}/guide/fgj`);
      await shot(page, 'guide', width);
    });
  }

  await t.test("an administrator edits an agency's phone number and publishes; the guide shows it and lists the previous version", async (t) => {
    const page = await open(1280);
    await page.goto(`${base}/admin`);
    await page.waitForURL(/\/staff\/login/);
    await page.getByLabel('电子邮箱').fill(ADMIN.email);
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${base}/admin`);
    await page.getByRole('link', { name: '机关与公开指南' }).click();
    await page
      .getByRole('row', { name: /湘潭市雨湖区民政局/ })
      .getByRole('link', { name: '公开指南' })
      .click();
    await page.getByLabel('联系电话').fill('0731-52999999');
    await page.getByRole('button', { name: '保存草稿并预览' }).click();
    await page.waitForURL(/\/guide\/preview/);
    t.match(await page.locator('main').innerText(), /0731-52999999/);
    await page.getByRole('button', { name: '发布为新版本' }).click();
    await page.waitForURL(`${base}/guide/mzj?notice=published`);
    const text = await page.locator('main').innerText();
    t.match(text, /0731-52999999/, 'the new number is published');
    t.notMatch(text, /0731-52325401/);
    t.match(text, /第1版/, 'the previous version is still listed');
    await page.getByRole('link', { name: '第1版' }).click();
    t.match(await page.locator('main').innerText(), /0731-52325401/, 'and readable');
  });
  await t.test('asked for a correction, a citizen sends it from the tracking page with a document', async (t) => {
    const receipt = (await api(app).post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
    const clerk = await staffClient(app, 'clerk', 'fgj');
    const asked = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'REQUEST_CORRECTION', items: ['写明所需文件的名称或文号'], dueInWorkingDays: 10 });
    t.equal(asked.statusCode, 200);
    const page = await open(375);
    await page.goto(`${base}/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`);
    await page.getByRole('link', { name: '政府信息公开申请补正告知书' }).first().click();
    t.match(await page.locator('main').innerText(), /写明所需文件的名称或文号/, 'the notice says what to correct');
    await page.goBack();
    await page.getByLabel('补正内容').fill('所需信息为《雨湖区2026年政府投资项目计划》');
    await page.setInputFiles('#correction-files', { name: '项目计划说明.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: '提交补正' }).click();
    await page.waitForURL(/notice=corrected/);
    const text = await page.locator('main').innerText();
    t.match(text, /补正已提交，答复期限自收到补正之日起重新计算。/);
    t.match(text, /收到补正材料/);
    t.match(text, /2026年3月30日前/, 'the answer period runs again from today');
    await shot(page, 'corrected', 375);
    const files = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().attachments as { filename: string }[];
    t.same(
      files.map((f) => f.filename),
      ['项目计划说明.pdf'],
      'the document reached the clerk',
    );
  });
  // Last: it moves the server's clock on by an hour and more.
  await t.test('a clerk typing a long answer stays signed in; a desk left alone is signed out after 30 minutes', async (t) => {
    const page = await open(1280);
    await page.clock.install();
    await page.goto(`${base}/staff/cases/new`);
    await page.getByLabel('电子邮箱').fill(ADMIN.email);
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${base}/staff/cases/new`);
    const description = page.getByLabel('所需政府信息的内容描述');
    for (let i = 0; i < 4; i += 1) {
      // Ten minutes of writing; the page script tells the server within five.
      clock.set(new Date(clock.now().getTime() + 10 * 60_000));
      await description.pressSequentially('第二段');
      const told = page.waitForResponse((r) => r.url() === `${base}/staff/session`);
      await page.clock.runFor(5 * 60_000);
      t.equal((await told).status(), 204, `told after ${(i + 1) * 10} minutes`);
    }
    // Sixty minutes after the page was loaded, twenty after the last typing: still signed in.
    clock.set(new Date(clock.now().getTime() + 20 * 60_000));
    await page.goto(`${base}/staff`);
    t.equal(page.url(), `${base}/staff`, 'after an hour of writing on one page, still signed in');

    clock.set(new Date(clock.now().getTime() + 30 * 60_000));
    await page.clock.runFor(30 * 60_000);
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/staff\/login/);
    t.pass('left alone for 30 minutes, the desk asks to sign in again');
  });
  await t.test('an office head answers: the letter is shown as it will be issued, and sent only once confirmed (art. 17)', async (t) => {
    const head = await staffClient(app, 'supervisor', 'fgj');
    const tn = (await api(app).post('/api/requests', application())).json().trackingNumber as string;
    const page = await open(1280);
    await page.goto(`${base}/staff/cases/${tn}`);
    await page.getByLabel('电子邮箱').fill(head.email);
    await page.getByLabel('密码').fill(head.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${base}/staff/cases/${tn}`);
    await page.getByText('作出答复（条例第三十六条）').click();
    await page.getByLabel('处理结果').selectOption('disclosed');
    await page.getByLabel('答复正文（至少10个字）').fill('经审查，现向您提供2026年政府投资项目审批结果清单。');
    await page.locator('form[data-preview] button[type=submit]').filter({ hasText: /答复/ }).first().click();
    const dialog = page.locator('#preview-dialog');
    await dialog.waitFor({ state: 'visible' });
    t.match(await dialog.innerText(), /政府信息公开申请答复书[\s\S]*经审查，现向您提供2026年政府投资项目审批结果清单。/, 'the letter as it will read');
    t.equal((await head.get(`/api/cases/${tn}`)).json().state, 'received', 'nothing issued before confirming');
    await shot(page, 'answer-preview', 1280);
    await dialog.getByRole('button', { name: '确认提交' }).click();
    await page.waitForURL(/notice=signed|notice=done/);
    t.equal((await head.get(`/api/cases/${tn}`)).json().state, 'answered', 'issued once confirmed');
  });
  for (const width of [1280, 375]) {
    await t.test(`an office head works from the queue: tabs with counts, 待审签, cards on a phone (${width} px)`, async (t) => {
      const head = await staffClient(app, 'supervisor', 'fgj');
      const clerk = await staffClient(app, 'clerk', 'fgj');
      const drafted = (await api(app).post('/api/requests', application({ description: '请公开2026年农机购置补贴的发放名单' }))).json().trackingNumber as string;
      await clerk.post(`/api/cases/${drafted}/events`, { type: 'ANSWER', disposition: 'disclosed', text: '经审查，现向您提供农机购置补贴发放名单。' });
      const page = await open(width);
      await page.goto(`${base}/staff`);
      await page.getByLabel('电子邮箱').fill(head.email);
      await page.getByLabel('密码').fill(head.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(`${base}/staff`);
      const tabs = page.getByRole('navigation', { name: '待办分类' });
      t.match(await tabs.innerText(), /全部在办\s*\d+[\s\S]*待审签\s*\d+/, 'the tabs say how many each holds');
      await tabs.getByRole('link', { name: /待审签/ }).click();
      await page.waitForURL(/tab=approval/);
      t.equal(await tabs.getByRole('link', { name: /待审签/ }).getAttribute('aria-current'), 'page');
      t.ok(await page.getByRole('link', { name: drafted }).isVisible(), 'the draft awaiting sign-off is listed');
      const display = await page
        .locator('table.queue tbody tr')
        .first()
        .evaluate((row) => getComputedStyle(row).display);
      t.equal(display, width < 640 ? 'block' : 'table-row', width < 640 ? 'each case a card below 40rem' : 'a table on a desk');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      t.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow})`);
      await shot(page, 'queue', width);
    });
  }
  t.same(violations, [], 'no page breaks its Content Security Policy');
});
