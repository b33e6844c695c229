/**
 * The site's icon, one small SVG served by the http server at /favicon.svg (and /favicon.ico, which
 * browsers ask for on their own, sends them there): a loudspeaker, the "loa" of Loa Bản, in the
 * dashboard's colour. Pages link it with `<link rel="icon" href="/favicon.svg">`.
 */
import type { FastifyInstance } from 'fastify';

export const faviconPath = '/favicon.svg';

export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#8a1c48"/>
<path d="M7 13h4l8-6v18l-8-6H7z" fill="#fff"/>
<path d="M22.5 11.5a6.5 6.5 0 0 1 0 9M25 8.5a10.5 10.5 0 0 1 0 15" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"/>
</svg>
`;

/** Serves the icon; cached for a day. */
export function registerFavicon(http: FastifyInstance): void {
  http.get(faviconPath, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(faviconSvg));
  http.get('/favicon.ico', async (_req, reply) => reply.redirect(faviconPath, 301));
}
