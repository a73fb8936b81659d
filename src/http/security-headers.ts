// The security headers every answer carries (docs/security.md), built once: @fastify/helmet rebuilt
// them on every request. Also on the answers the router and Node's HTTP parser give before any hook
// runs (a broken URL escape, a path parameter too long, a request line too long).
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Config } from '../config/config.js';

export type SecurityHeaders = (req: IncomingMessage, res: ServerResponse) => void;

export function securityHeaders(config: Config): SecurityHeaders {
  const apply = helmet({
    // Pages carry no inline script or style; everything comes from this origin.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    // Tracking links carry the access code: never send it on to another site.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.publicUrl.startsWith('https:') ? { maxAge: 15552000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  // helmet's middleware only sets headers and calls back at once.
  return (req, res) => apply(req, res, () => {});
}

/** The headers as a block for a raw response written on the socket (clientErrorHandler). */
export function rawSecurityHeaders(config: Config): string {
  const captured: string[] = [];
  const res = { setHeader: (name: string, value: string) => captured.push(`${name}: ${value}`), removeHeader: () => {} } as unknown as ServerResponse;
  securityHeaders(config)({} as IncomingMessage, res);
  return captured.join('\r\n');
}
