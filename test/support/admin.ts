/**
 * The dashboard over http for tests: fastify inject with a cookie jar that behaves like a browser,
 * and logging in as a demo admin by the same one-time link /dangnhap makes.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createLoginLink } from '../../src/features/admin/auth.ts';
import { registerAdminRoutes, type AdminRouteDeps } from '../../src/features/admin/web/routes.ts';
import { dashboardPages } from '../../src/app.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { loadKnowledge, readTopics } from '../../src/features/faq/knowledge.ts';
import { createHttpServer } from '../../src/core/http/server.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { readFormats } from '../../src/features/reporting/parse.ts';
import type { Db } from '../../src/core/store/store.ts';

export const log = createLogger('silent', false);
export const timeZone = 'Asia/Ho_Chi_Minh';

/** The dashboard on `db` with the real content/ (campaigns, formats, topics), sending on the sandbox. */
export async function dashboard(db: Db, options: { sandbox?: boolean; publicUrl?: string } & Partial<AdminRouteDeps> = {}): Promise<FastifyInstance> {
  const http = createHttpServer(log);
  registerAdminRoutes(http, {
    db,
    log,
    sandbox: options.sandbox ?? false,
    publicUrl: options.publicUrl ?? null,
    timeZone,
    campaigns: options.campaigns ?? loadCampaigns(defaultContentDir),
    platforms: options.platforms ?? ['sandbox'],
    report: options.report ?? { formats: readFormats(defaultContentDir), topics: readTopics(defaultContentDir) },
    kick: options.kick,
    exportRowLimit: options.exportRowLimit,
    inviteTtlDays: options.inviteTtlDays,
    quietHours: options.quietHours,
    directory: options.directory ?? loadKnowledge(defaultContentDir).directory,
  }, dashboardPages);
  await http.ready();
  return http;
}

export type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** A browser: keeps cookies as a browser would, sends forms. */
export function browser(http: FastifyInstance) {
  const jar: Record<string, string> = {};
  const absorb = (res: Response) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.value === '' || c.maxAge === 0) delete jar[c.name];
      else jar[c.name] = c.value;
    }
    return res;
  };
  return {
    jar,
    get: async (url: string) => absorb(await http.inject({ method: 'GET', url, cookies: { ...jar } })),
    post: async (url: string, form: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      return absorb(
        await http.inject({
          method: 'POST',
          url,
          cookies: { ...jar },
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: body.toString(),
        }),
      );
    },
  };
}
export type Browser = ReturnType<typeof browser>;

/** The text a person reads in `html`: tags dropped (with `hideFolds`, closed <details> and scripts too), entities decoded, spaces collapsed. */
export function pageText(html: string, { hideFolds = false } = {}): string {
  const shown = hideFolds ? html.replace(/<details[\s\S]*?<\/details>/g, ' ').replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ') : html;
  return shown
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

export async function personOf(db: Db, key: string) {
  return db.person.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'sandbox', platformUserId: key } } });
}

/** A login link token for the demo person `key`, as /dangnhap would make it (made at `at`). */
export async function linkFor(db: Db, key: string, at?: Date): Promise<string> {
  const p = await personOf(db, key);
  return (await createLoginLink(db, { personId: p.id, platform: p.platform, platformUserId: p.platformUserId }, at)).token;
}

/** Opens the link, presses the button: the browser now holds a session. */
export async function logIn(b: Browser, db: Db, key: string): Promise<Response> {
  const token = await linkFor(db, key);
  const page = await b.get(`/admin/login/${token}`);
  expect(page.statusCode).toBe(200);
  return b.post(`/admin/login/${token}`, { _csrf: csrfOf(page.body) });
}

/** A signed-in browser for the demo admin `key`. */
export async function signedIn(http: FastifyInstance, db: Db, key: string): Promise<Browser> {
  const b = browser(http);
  expect((await logIn(b, db, key)).statusCode).toBe(303);
  return b;
}

export const communeAdmin = 'demo-admin-hoa-ban';
export const provinceAdmin = 'demo-admin-province';
