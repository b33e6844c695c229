/**
 * The dashboard's public face: the app registers it (with each slice's pages), and each slice's
 * pages build on its kit — the signed-in admin, the page layout, HTML escaping, list paging.
 */
export { registerAdminRoutes } from './routes.ts';
export type { AdminKit, DashboardPages, SignedIn } from './kit.ts';
export { html, type Html } from './html.ts';
export { badRequest, notFound, pageCount, pager, parseId, parsePage, queryText, refuse, withQuery } from './listing.ts';
export { layout, localTime, messagePage, scrollBox, type PageContext } from './pages.ts';
