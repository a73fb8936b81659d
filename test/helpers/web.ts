// A browser-like client for pages: keeps cookies, reads the CSRF token from the last page, posts forms.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipartBody } from './factories.js';

export type WebClient = {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, fields: Record<string, unknown>, options?: { csrf?: boolean }): Promise<LightMyRequestResponse>;
  postMultipart(url: string, fields: Record<string, unknown>, files: { filename: string; content: Buffer; field?: string }[]): Promise<LightMyRequestResponse>;
  csrf(): string;
  cookies: Map<string, string>;
};

export function webClient(app: FastifyInstance): WebClient {
  const cookies = new Map<string, string>();
  let token = '';
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) cookies.delete(c.name);
      else cookies.set(c.name, c.value);
    }
    const found = /name="_csrf" value="([^"]+)"|_csrf=([A-Za-z0-9_-]+)/.exec(res.body);
    if (found) token = found[1] ?? found[2]!;
    return res;
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const client: WebClient = {
    cookies,
    csrf: () => token,
    async get(url) {
      return remember(await app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(), accept: 'text/html' } }));
    },
    async post(url, fields, options = {}) {
      const form = new URLSearchParams();
      if (options.csrf !== false) form.set('_csrf', token);
      for (const [k, v] of Object.entries(fields)) {
        for (const item of [v].flat()) form.append(k, String(item ?? ''));
      }
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookieHeader(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
          payload: form.toString(),
        }),
      );
    },
    async postMultipart(url, fields, files) {
      const body = multipartBody(fields, files);
      const sep = url.includes('?') ? '&' : '?';
      return remember(
        await app.inject({ method: 'POST', url: `${url}${sep}_csrf=${token}`, headers: { ...body.headers, cookie: cookieHeader(), accept: 'text/html' }, payload: body.payload }),
      );
    },
  };
  return client;
}

/** Signs in through the login page and returns the client holding the session cookie. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<WebClient> {
  const web = webClient(app);
  await web.get('/staff/login');
  const res = await web.post('/staff/login', { email, password });
  if (res.statusCode !== 303) throw new Error(`sign in ${email}: ${res.statusCode}`);
  await web.get('/staff');
  return web;
}

/** The text of a page without tags, for asserting what a person reads. */
export function pageText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
