// Server-rendered pages: handlebars through @fastify/view, one layout, partials from
// templates/partials, one stylesheet. Templates only display; view models are prepared in TS.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import csrf from '@fastify/csrf-protection';
import view from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TEMPLATES_DIR } from '../config/paths.js';
import type { AppContext } from '../context.js';
import { createHandlebars } from '../render.js';
import type { Principal } from '../staff/principal.js';
import { toErrorBody } from './error-handler.js';
import { AppError } from '../common/errors.js';
import { siteOf, type Site } from '../jurisdictions/jurisdictions.service.js';
import { INSTALLATION_TITLE } from '../jurisdictions/jurisdictions.js';

/** The partials under templates/<dir>, by name: `text-field`, or `actions/ASSIGN` for one in a subfolder. */
function partialsIn(dir: string, prefix = ''): Record<string, string> {
  const partials: Record<string, string> = {};
  for (const entry of readdirSync(path.join(TEMPLATES_DIR, dir), { withFileTypes: true })) {
    if (entry.isDirectory()) Object.assign(partials, partialsIn(`${dir}/${entry.name}`, `${prefix}${entry.name}/`));
    else if (entry.name.endsWith('.hbs')) partials[prefix + entry.name.replace(/\.hbs$/, '')] = `${dir}/${entry.name}`;
  }
  return partials;
}

export type PageModel = Record<string, unknown> & { title: string };

declare module 'fastify' {
  interface FastifyInstance {
    ogiAssetVersion: string;
  }
  interface FastifyRequest {
    /** The jurisdiction a page is for (its host name or /j/<code>), for the header: set for pages, not the API. */
    site?: Site;
  }
  interface FastifyReply {
    /** Renders a page in the site layout with what every page needs (CSRF token, the signed-in staff member). */
    page(template: string, model: PageModel): FastifyReply;
  }
}

const ASSETS = ['site.css', 'app.js', 'favicon.svg'] as const;
const ASSET_TYPES: Record<(typeof ASSETS)[number], string> = {
  'site.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The 关怀模式 (care mode) preference: larger text, higher contrast; a cookie, read by every page. */
export const CARE_COOKIE = 'ogi_care';

/**
 * Where the care-mode switch brings the reader back to: this page's path, with only the query a page
 * needs to show the same thing again (a tracking page's number and code, a search's words), never
 * whatever else the address carried (an attacker's text would be echoed into every page).
 */
const RETURN_QUERY: Record<string, string[]> = { '/track': ['trackingNumber', 'accessCode'], '/published': ['q'] };
function returnPathOf(url: string): string {
  const parsed = new URL(url, 'http://page.invalid');
  const query = new URLSearchParams();
  for (const key of RETURN_QUERY[parsed.pathname] ?? []) {
    const value = parsed.searchParams.get(key);
    if (value) query.set(key, value);
  }
  return `${parsed.pathname}${query.size ? `?${query}` : ''}`;
}

/** Whether the request asks for pages in care mode. */
export function careMode(request: FastifyRequest): boolean {
  return request.cookies?.[CARE_COOKIE] === '1';
}

export async function registerViews(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: ctx.config.publicUrl.startsWith('https:') },
    // Multipart forms carry the token in the query string: their body is read by the handler.
    getToken: (req: FastifyRequest) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ?? (req.query as { _csrf?: string })._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(view, {
    engine: { handlebars: createHandlebars() },
    root: TEMPLATES_DIR,
    layout: 'layouts/main.hbs',
    viewExt: 'hbs',
    production: true,
    options: { partials: partialsIn('partials') },
  });

  // Every page's header names the jurisdiction its address is for. A failed read of the jurisdictions
  // does not fail the page: it is titled for the installation.
  app.addHook('onRequest', async (request) => {
    if (/^\/(api|assets)\/|^\/(health|ready)(\?|$)/.test(request.url)) return;
    try {
      request.site = siteOf(await ctx.jurisdictions.current(), request.hostname, request.url);
    } catch (err) {
      request.log.warn({ err }, 'jurisdictions could not be read for the page header');
    }
  });

  app.decorateReply('page', function (this: FastifyReply, template: string, model: PageModel) {
    return this.view(`pages/${template}`, pageData(this, model));
  });

  // One stylesheet and one small script, cached by content hash.
  const assets = new Map(
    ASSETS.map((name) => {
      const body = readFileSync(path.join(TEMPLATES_DIR, 'assets', name));
      return [name, { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` }] as const;
    }),
  );
  app.decorate('ogiAssetVersion', [...assets.values()].map((a) => a.etag.slice(1, 9)).join(''));
  // Browsers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/assets/favicon.svg', 301));

  // 关怀模式 on or off, remembered for a year; back to the page it was chosen on (a path of this site only).
  // A link, so that no page needs a form token for it (public pages set no cookie until asked to). A
  // tracking page's address holds the access code: logs mask it, encoded as it is here (logging.ts).
  app.get<{ Querystring: { on?: string; return?: string } }>('/care', { schema: { hide: true } }, async (request, reply) => {
    const on = request.query.on !== '0';
    reply.setCookie(CARE_COOKIE, on ? '1' : '0', { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true, secure: ctx.config.publicUrl.startsWith('https:') });
    const back = typeof request.query.return === 'string' ? request.query.return : '/';
    return reply.redirect(/^\/(?![/\\])[^\s]*$/.test(back) ? back : '/', 303);
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name as (typeof ASSETS)[number]);
    if (!asset) return reply.status(404).send({ error: 'not_found', message: '没有找到该资源' });
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply
      .header('content-type', ASSET_TYPES[request.params.name as (typeof ASSETS)[number]])
      .header('cache-control', 'public, max-age=3600')
      .header('etag', asset.etag)
      .send(asset.body);
  });
}

// Notices shown after a redirect: fixed messages chosen by code, so a link cannot put words on our pages.
const NOTICES: Record<string, string> = {
  done: '操作已完成。',
  saved: '已保存。',
  published: '已发布。',
  password_changed: '密码已修改，其他设备上的登录已退出。',
  registered: '申请已登记。',
  retried: '已重新排入发送队列。',
  withdrawn: '您的申请已撤回，本机关不再处理。',
  corrected: '补正已提交，答复期限自收到补正之日起重新计算。',
  explained: '申请理由已提交，本机关审查后作出处理。',
  drafted: '已拟稿，已送负责人审签。审签前，决定不会发给申请人。',
  signed: '已签发：文书已编号发出，并已通知申请人（留有电子邮箱的）。',
  returned: '已退回拟稿，已通知承办人按意见修改。',
  reviewed: '已审核，已送另一名负责人签发。',
  withdrawn_publication: '已撤回：该答复不再在阅览室列出和显示，本页说明撤回的时间和理由。',
  uploaded: '文件已上传（仅工作人员可见）。请标出需要删除的内容，生成区分处理后的文件。',
  redacted: '已生成区分处理后的文件，原件保留在本案中、仅工作人员可见。作出答复时勾选该文件随答复提供。',
  assigned: '已分办所选申请，承办人可在“我的待办”中看到。',
  served: '已登记送达。自该文书送达之日起计算的期限已按送达日期重新计算。',
};

/** What every page gets besides its own model. The CSRF token (and its cookie) is made only if the page has a form. */
export function pageData(reply: FastifyReply, model: PageModel): Record<string, unknown> {
  const principal = reply.request.principal as Principal | null;
  let token: string | null = null;
  const data: Record<string, unknown> = {
    ...model,
    site: reply.request.site ?? { title: INSTALLATION_TITLE, home: '/', code: null },
    staff: principal ? { name: principal.name, role: principal.role, isAdmin: principal.role === 'admin', isSupervisor: principal.role !== 'clerk' } : null,
    assetVersion: reply.server.ogiAssetVersion,
    care: careMode(reply.request),
    // Where the care-mode switch brings the reader back to (this page).
    currentPath: encodeURIComponent(returnPathOf(reply.request.url)),
  };
  // The page differs by the care-mode cookie: a cache must not serve one reader's to another.
  reply.header('vary', 'Cookie');
  // A function, not a value: handlebars calls it where a form uses it; copying the model (as the view
  // plugin does) does not.
  data.csrfToken = () => (token ??= reply.generateCsrf());
  return data;
}

/** Redirect after a successful form post (PRG), with a fixed notice shown on the next page. */
/** `anchor`: the id of the part of the page to show (what was just saved), when not its top. */
export function redirectWithNotice(reply: FastifyReply, url: string, notice: keyof typeof NOTICES | string, anchor?: string): FastifyReply {
  const sep = url.includes('?') ? '&' : '?';
  return reply.redirect(`${url}${sep}notice=${encodeURIComponent(notice)}${anchor ? `#${anchor}` : ''}`, 303);
}

/** A form's refusal (bad input, a rule, a stale version) as its status and body; anything else, and 404, is rethrown for the error handler. */
export function refusalOf(err: unknown): ReturnType<typeof toErrorBody> {
  if (!(err instanceof AppError) || err.statusCode === 404) throw err;
  return toErrorBody(err);
}

/** A refusal's message and its field messages, as one line for a page. */
export function refusalText(body: ReturnType<typeof toErrorBody>['body']): string {
  const details = body.fields ? Object.values(body.fields).filter((m) => m !== body.message) : [];
  return [body.message, ...details].join('；');
}

/** Runs a form's action; a refusal becomes an error page titled `title` with the message and the field messages. */
export async function orRefusalPage(reply: FastifyReply, title: string, action: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await action();
  } catch (err) {
    const { status, body } = refusalOf(err);
    return reply.status(status).page('error', { title, message: refusalText(body) });
  }
}

export function noticeOf(request: FastifyRequest): string | null {
  const code = (request.query as { notice?: unknown }).notice;
  return typeof code === 'string' && Object.hasOwn(NOTICES, code) ? NOTICES[code]! : null;
}
