/**
 * The dashboard under /admin: login by one-time link (and, in sandbox mode only, as a demo admin),
 * the overview and compliance pages, logout. Each page checks the session and the admin's area
 * scope; an area outside it gets 403 and an audit entry.
 *
 * Cookies: the session id (HttpOnly, SameSite=Lax so a link tapped in a chat app still finds the
 * session, Secure when PUBLIC_URL is https, path /admin). CSRF: @fastify/csrf-protection, its
 * secret in a second HttpOnly cookie and each form's token bound to the session (its `userInfo`
 * is the session cookie), checked on every POST. The token's HMAC key is kept in the database
 * (core/store/secrets.ts): the same in every process on it, behind a load balancer, and after a
 * restart. A token that does not verify is refused with a page saying to reload.
 */
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import { sharedSecret } from '../../../core/store/secrets.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultLanguage, translator } from '../../../core/i18n.ts';
import { actorName, actorOf, auditAdmin, createSession, displayNameOf, endSession, inspectLoginLink, loginLinkTtlMs, redeemLoginLink, resolveSession, sandboxActor, sandboxAdmins, sessionMaxMs, type Actor } from '../auth.ts';
import { complianceTable, filterAreas } from '../../reporting/index.ts';
import { overview, pendingDirectory } from '../overview.ts';
import { compliancePage, confirmLoginPage, loginPage, messagePage, overviewPage, type PageContext } from './pages.ts';
import { stylesheet } from './styles.ts';
import { areaById, canSee, isProvinceAdmin, loadScope } from '../../groups/index.ts';
import type { AdminKit, AdminRouteDeps, DashboardPages, SignedIn } from './kit.ts';
import { registerAuditPage } from './audit-page.ts';

export type { AdminKit, AdminRouteDeps, SignedIn } from './kit.ts';

export const sessionCookie = 'loaban_admin';
export const csrfCookie = 'loaban_csrf';


const minutes = loginLinkTtlMs / 60_000;

/** What a form's CSRF token is bound to: the session cookie (a token made for one session fails in another). */
const userInfo = (req: FastifyRequest) => req.cookies[sessionCookie] || 'no-session';

/**
 * Registers the dashboard on `http` (before it listens): its own pages (overview, compliance, the
 * audit log) and each slice's `pages`, given the kit.
 */
export function registerAdminRoutes(http: FastifyInstance, deps: AdminRouteDeps, pages: readonly DashboardPages[]): void {
  void http.register(async (admin) => adminPlugin(admin, deps, pages), { prefix: '/admin' });
}

async function adminPlugin(admin: FastifyInstance, deps: AdminRouteDeps, pages: readonly DashboardPages[]): Promise<void> {
  const { db } = deps;
  const secure = deps.publicUrl?.startsWith('https:') ?? false;
  const cookieOptions = { path: '/admin', httpOnly: true, sameSite: 'lax' as const, secure };

  await admin.register(cookie);
  // Vietnamese typed in a form is about 9 bytes a character once URL-encoded: room for a 2 000-character message.
  await admin.register(formbody, { bodyLimit: 64 * 1024 });
  await admin.register(csrfProtection, {
    cookieKey: csrfCookie,
    cookieOpts: cookieOptions,
    getUserInfo: userInfo,
    getToken: (req) => (req.body as { _csrf?: string } | undefined)?._csrf,
    // The same key in every process on the database: a form served by one is posted to another.
    csrfOpts: { hmacKey: await sharedSecret(db, 'dashboard-form-tokens'), userInfo: true },
  });
  // Every POST carries the form's token; fastify parses the body before preHandler.
  admin.addHook('preHandler', (req, reply, done) => (req.method === 'POST' ? admin.csrfProtection(req, reply, done) : done()));
  admin.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    if (!req.url.startsWith('/admin/style.css')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const anonymous = (): PageContext => ({ t: translator(defaultLanguage), lang: defaultLanguage });
  const csrfFor = (req: FastifyRequest, reply: FastifyReply) => reply.generateCsrf({ userInfo: userInfo(req) });
  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);

  admin.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, req, reply) => {
    const ctx = anonymous();
    const { t } = ctx;
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      // The route, not the address: a login form's address holds a token still good for minutes.
      deps.log.warn({ route: req.routeOptions.url }, 'admin form refused: bad or missing CSRF token');
      return send(reply, 403, messagePage(ctx, t('admin:error.csrfTitle'), [t('admin:error.csrf')], { href: '/admin', label: t('admin:error.home') }));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, error.statusCode, messagePage(ctx, t('admin:error.badRequestTitle'), [t('admin:error.badRequest')], { href: '/admin', label: t('admin:error.home') }));
    }
    deps.log.error({ err: error, route: req.routeOptions.url, method: req.method }, 'admin page failed');
    return send(reply, 500, messagePage(ctx, t('admin:error.serverTitle'), [t('admin:error.server')], { href: '/admin', label: t('admin:error.home') }));
  });
  admin.setNotFoundHandler(async (_req, reply) => {
    const ctx = anonymous();
    return send(reply, 404, messagePage(ctx, ctx.t('admin:error.notFoundTitle'), [ctx.t('admin:error.notFound')], { href: '/admin', label: ctx.t('admin:error.home') }));
  });

  /** The signed-in admin, or null after answering (to the login page, or 403 when no longer an admin). */
  async function signedIn(req: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> {
    const raw = req.cookies[sessionCookie];
    const session = raw ? await resolveSession(db, raw) : null;
    if (!session) {
      if (raw) reply.clearCookie(sessionCookie, { path: '/admin' });
      await reply.redirect(raw ? '/admin/login?ended=1' : '/admin/login', 303);
      return null;
    }
    const scope = await loadScope(db, session.person.id);
    if (!scope) {
      await endSession(db, raw!);
      reply.clearCookie(sessionCookie, { path: '/admin' });
      const ctx = anonymous();
      await send(reply, 403, messagePage(ctx, ctx.t('admin:link.notAdminTitle'), [ctx.t('admin:link.notAdmin')]));
      return null;
    }
    const lang = session.person.language;
    const t = translator(lang);
    const actor = { personId: session.person.id, platform: session.person.platform, platformUserId: session.person.platformUserId };
    return { actor, name: session.person.displayName, scope, ctx: { t, lang, admin: { name: session.person.displayName, csrf: csrfFor(req, reply), province: isProvinceAdmin(scope) } } };
  }

  /** Opens a new session for `actor` (ending the one the browser had, if any) and sends them to the overview. */
  async function logIn(req: FastifyRequest, reply: FastifyReply, actor: Actor, via: 'link' | 'sandbox'): Promise<void> {
    const previous = req.cookies[sessionCookie];
    if (previous) await endSession(db, previous);
    const { sessionId } = await createSession(db, actor.personId);
    await auditAdmin(db, actor, 'admin.login', { entity: 'Person', entityId: String(actor.personId), after: { via } });
    reply.setCookie(sessionCookie, sessionId, { ...cookieOptions, maxAge: sessionMaxMs / 1000 });
    await reply.redirect('/admin', 303);
  }

  /** 403 for an area outside the scope, written to the audit log. */
  async function forbidden(req: FastifyRequest, reply: FastifyReply, who: SignedIn, areaId: number): Promise<void> {
    await auditAdmin(db, who.actor, 'admin.forbidden', { entity: 'Area', entityId: String(areaId), areaId: null, after: { url: req.url, method: req.method } });
    deps.log.warn({ actor: actorName(who.actor), areaId, url: req.url }, 'admin asked for an area outside their scope');
    const { t } = who.ctx;
    await send(reply, 403, messagePage(who.ctx, t('admin:error.forbiddenTitle'), [t('admin:error.forbidden')], { href: '/admin', label: t('admin:error.home') }));
  }

  admin.get('/style.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet));

  // The pages behind the login: each slice adds its pages the same way, a function given the kit.
  const kit: AdminKit = { deps, signedIn, forbidden, send };
  registerDashboardPages(admin, kit);
  registerAuditPage(admin, kit);
  for (const register of pages) register(admin, kit);

  admin.get('/login', async (req, reply) => {
    const raw = req.cookies[sessionCookie];
    if (raw && (await resolveSession(db, raw))) return reply.redirect('/admin', 303);
    const query = req.query as { out?: string; ended?: string };
    const notice = query.out ? 'loggedOut' : query.ended ? 'sessionEnded' : null;
    const sandbox = deps.sandbox ? { admins: await sandboxAdmins(db), csrf: csrfFor(req, reply) } : null;
    return send(reply, 200, loginPage(anonymous(), { notice, linkMinutes: minutes, sandbox }));
  });

  // Opening the link only shows a button: chat apps fetch links to preview them, and that must not use it up.
  admin.get('/login/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const state = await inspectLoginLink(db, token);
    if (state.kind !== 'valid') return linkRefused(reply, state.kind);
    const name = await displayNameOf(db, state.personId);
    return send(reply, 200, confirmLoginPage(anonymous(), { name, token, csrf: csrfFor(req, reply), expiresAt: state.expiresAt, timeZone: deps.timeZone }));
  });

  admin.post('/login/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const used = await redeemLoginLink(db, token);
    if (!used.ok) return linkRefused(reply, used.reason);
    const actor = await actorOf(db, used.personId);
    if (!(await loadScope(db, actor.personId))) {
      const ctx = anonymous();
      return send(reply, 403, messagePage(ctx, ctx.t('admin:link.notAdminTitle'), [ctx.t('admin:link.notAdmin')]));
    }
    return logIn(req, reply, actor, 'link');
  });

  function linkRefused(reply: FastifyReply, reason: 'used' | 'expired' | 'unknown') {
    const ctx = anonymous();
    const { t } = ctx;
    const status = reason === 'unknown' ? 404 : 410;
    return send(reply, status, messagePage(ctx, t(`admin:link.${reason}Title`), [t(`admin:link.${reason}`, { minutes }), t('admin:link.again')], { href: '/admin/login', label: t('admin:error.login') }));
  }

  if (deps.sandbox) {
    admin.post('/sandbox-login', async (req, reply) => {
      const personId = Number((req.body as { personId?: string } | undefined)?.personId);
      const actor = Number.isInteger(personId) ? await sandboxActor(db, personId) : null;
      if (!actor) {
        const ctx = anonymous();
        return send(reply, 400, messagePage(ctx, ctx.t('admin:error.badRequestTitle'), [ctx.t('admin:error.badRequest')], { href: '/admin/login', label: ctx.t('admin:error.login') }));
      }
      return logIn(req, reply, actor, 'sandbox');
    });
  }

  admin.post('/logout', async (req, reply) => {
    const raw = req.cookies[sessionCookie];
    const session = raw ? await resolveSession(db, raw) : null;
    if (raw) await endSession(db, raw);
    if (session) {
      const actor = { personId: session.person.id, platform: session.person.platform, platformUserId: session.person.platformUserId };
      await auditAdmin(db, actor, 'admin.logout', { entity: 'Person', entityId: String(session.person.id) });
    }
    reply.clearCookie(sessionCookie, { path: '/admin' });
    return reply.redirect('/admin/login?out=1', 303);
  });
}


/** The overview (/admin) and compliance (/admin/compliance?area=<id>). */
function registerDashboardPages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone } = kit.deps;
  admin.get('/', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const [data, pending] = await Promise.all([overview(db, who.scope, new Date(), timeZone), pendingDirectory(db, who.scope, kit.deps.directory ?? new Map())]);
    return kit.send(reply, 200, overviewPage(who.ctx, { data, pending, scopeAreas: who.scope.grants.map((g) => g.areaName), timeZone }));
  });

  admin.get('/compliance', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const wanted = (req.query as { area?: string }).area?.trim() ?? '';
    if (wanted !== '' && !/^\d{1,9}$/.test(wanted)) {
      const { t } = who.ctx;
      return kit.send(reply, 400, messagePage(who.ctx, t('admin:error.badRequestTitle'), [t('admin:error.badRequest')], { href: '/admin/compliance', label: t('admin:nav.compliance') }));
    }
    const single = who.scope.grants.length === 1 ? who.scope.grants[0]!.areaId : null;
    const areaId = wanted === '' ? single : Number(wanted);
    if (areaId !== null && !canSee(who.scope, areaId)) return kit.forbidden(req, reply, who, areaId);
    const area = areaId === null ? null : await areaById(db, areaId);
    const table = await complianceTable(db, who.scope, { areaPath: area?.path, now: new Date(), timeZone });
    const areas = await filterAreas(db, who.scope);
    const choices = who.scope.grants.length > 1 ? [{ id: null, name: who.ctx.t('admin:compliance.allAreas'), depth: 0 }, ...areas.map((a) => ({ ...a, depth: a.depth + 1 }))] : areas;
    return kit.send(reply, 200, compliancePage(who.ctx, { table, areas: choices, selectedAreaId: areaId }));
  });
}
