/**
 * Questions the FAQ could not answer (/admin/questions): what people asked, in which language and
 * area, newest first, kept without who asked. An admin uses them to improve content/faq and marks
 * one handled, which deletes it (audited with its text). Questions kept without an area belong to
 * the province admins.
 */
import type { FastifyInstance } from 'fastify';
import { actorName } from '../../admin/index.ts';
import { html, badRequest, notFound, pageCount, pager, parseId, parsePage, refuse, withQuery, layout, localTime, type AdminKit } from '../../admin/web/index.ts';
import { canSee, isProvinceAdmin } from '../../groups/index.ts';
import { markQuestionHandled, unansweredPage, unansweredQuestion } from '../store.ts';

export const questionsPageSize = 50;

export function registerQuestionPages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone } = kit.deps;

  admin.get('/questions', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query.page);
    if (page === null) return badRequest(kit, reply, who, { href: '/admin/questions', label: t('admin:nav.questions') });
    const { total, rows } = await unansweredPage(db, who.scope, page, questionsPageSize);
    const csrf = who.ctx.admin!.csrf;
    const notice = query.done === '1' ? t('admin:questions.doneNotice') : query.gone === '1' ? t('admin:questions.goneNotice') : null;
    const language = (code: string) => t(`admin:questions.language.${code}`, { defaultValue: code });
    const list = html`<ul class="plain" id="questions">${rows.map(
      (q) => html`<li data-question="${q.id}"><p class="question">${q.text}</p>
<p class="muted">${language(q.language)} · ${q.area ? q.area.name : t('admin:questions.noArea')} · ${localTime(q.createdAt, timeZone)}</p>
<form method="post" action="/admin/questions/${q.id}/done"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">${t('admin:questions.done')}</button></form></li>`,
    )}</ul>`;
    const body = html`<h1>${t('admin:questions.title')}</h1>
${notice ? html`<p class="notice">${notice}</p>` : ''}
<p><strong>${t('admin:questions.count', { count: total })}</strong></p>
<p>${t('admin:questions.intro')}</p>
<p class="muted">${t('admin:questions.privacy')}${isProvinceAdmin(who.scope) ? '' : ` ${t('admin:questions.noAreaNote')}`}</p>
${rows.length > 0 ? list : html`<p class="notice">${total === 0 ? t('admin:questions.none') : t('admin:questions.pageEmpty', { pages: pageCount(total, questionsPageSize) })}</p>`}
${pager(who.ctx, { page, pageSize: questionsPageSize, total, href: (n) => withQuery('/admin/questions', { page: n === 1 ? null : n }) })}`;
    return kit.send(reply, 200, layout({ ...who.ctx, current: 'questions' }, t('admin:questions.title'), body));
  });

  admin.post('/questions/:id/done', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const back = { href: '/admin/questions', label: t('admin:nav.questions') };
    const id = parseId((req.params as { id: string }).id);
    const question = id === null ? null : await unansweredQuestion(db, id);
    if (id === null) return notFound(kit, reply, who, back);
    // Gone already: handled by another admin, or the button pressed twice.
    if (!question) return reply.redirect('/admin/questions?gone=1', 303);
    if (question.areaId === null) {
      if (!isProvinceAdmin(who.scope)) return refuse(kit, req, reply, who, { entity: 'UnansweredQuestion', entityId: String(question.id), message: t('admin:questions.forbidden') });
    } else if (!canSee(who.scope, question.areaId)) {
      return kit.forbidden(req, reply, who, question.areaId);
    }
    await markQuestionHandled(db, question, { personId: who.actor.personId, actor: actorName(who.actor) });
    return reply.redirect('/admin/questions?done=1', 303);
  });
}
