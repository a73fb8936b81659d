// The routes an app serves, read from Fastify's printed route tree (each line a segment below its
// parent, the methods in brackets), for tests that must reach every one of them.
import type { FastifyInstance } from 'fastify';

export type Route = { method: string; path: string };

/** Every method and path (with its `:parameters`) the app answers, HEAD left out. */
export function routesOf(app: FastifyInstance): Route[] {
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    const full = `${stack.at(-1) ?? ''}${m[2]}`.replace(/\/\/+/g, '/');
    stack.push(full);
    const path = full.startsWith('/') ? full : `/${full}`;
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') routes.push({ method, path });
  }
  return routes;
}
