/**
 * Invite codes for group leaders (/admin/invites): the groups inside the admin's scope, by area,
 * with their leaders, open invite codes and the villagers' join code; a form per group makes a
 * one-time code for a leader or deputy. Only the code's hash is stored, so the code is shown once,
 * on the page that answers the form, and never written to the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { createInvite, groupToInvite, inviteBoard, inviteRoles as roles, type Role } from '../invites.ts';
import { joinCodeOf } from '../join-codes.ts';
import { actorName, auditAdmin } from '../../admin/index.ts';
import { html, badRequest, parseId, queryText, layout, localTime, type AdminKit } from '../../admin/web/index.ts';
import { canSee } from '../../groups/index.ts';

/** INVITE_TTL_DAYS's default, used while the dashboard's deps do not carry the setting. */
export const defaultInviteTtlDays = 14;

export function registerInvitePages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone } = kit.deps;
  const ttlDays = kit.deps.inviteTtlDays ?? defaultInviteTtlDays;

  admin.get('/invites', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const { groups, areaName: names } = await inviteBoard(db, who.scope, new Date());
    // The area above each group's own area names its section: "Tỉnh … › Xã …".
    const sectionOf = (path: string) =>
      path
        .split('/')
        .filter(Boolean)
        .slice(0, -1)
        .map((id) => names.get(Number(id)) ?? '?')
        .join(' › ');
    const joinCodes = new Map<number, string>();
    for (const g of groups) joinCodes.set(g.id, g.joinCode ?? (await joinCodeOf(db, g.id)));

    const csrf = who.ctx.admin!.csrf;
    const sections: { title: string; groups: typeof groups }[] = [];
    for (const g of groups) {
      const title = sectionOf(g.area.path);
      if (sections.at(-1)?.title !== title) sections.push({ title, groups: [] });
      sections.at(-1)!.groups.push(g);
    }
    const groupBox = (g: (typeof groups)[number]) => html`<section class="box group" data-group="${g.id}">
<h3>${g.name}</h3>
<p class="muted">${g.area.name}</p>
<p>${
      g.memberships.length === 0
        ? t('admin:invites.noLeader')
        : g.memberships.map((m, i) => html`${i > 0 ? ', ' : ''}${m.person.displayName} (${t(`admin:invites.role.${m.role}`, { defaultValue: m.role })})`)
    }</p>
<p>${
      g.invites.length === 0
        ? t('admin:invites.noOpenCodes')
        : t('admin:invites.openCodes', { count: g.invites.length, until: g.invites.map((i) => localTime(i.expiresAt, timeZone)).join(', ') })
    }</p>
<p>${t('admin:invites.joinCode')} <strong class="join-code">${joinCodes.get(g.id)}</strong></p>
<form class="filter" method="post" action="/admin/invites"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="groupId" value="${g.id}">
<label for="role-${g.id}">${t('admin:invites.roleLabel')}</label>
<select id="role-${g.id}" name="role">${roles.map((r) => html`<option value="${r}">${t(`admin:invites.role.${r}`)}</option>`)}</select>
<button type="submit">${t('admin:invites.create')}</button></form>
</section>`;
    const body = html`<h1>${t('admin:invites.title')}</h1>
<p>${t('admin:invites.intro', { days: ttlDays })}</p>
<p class="muted">${t('admin:invites.joinCodeNote')}</p>
${
  groups.length === 0
    ? html`<p class="notice">${t('admin:invites.noGroups')}</p>`
    : sections.map((s) => html`<h2>${s.title}</h2>${s.groups.map(groupBox)}`)
}`;
    return kit.send(reply, 200, layout({ ...who.ctx, current: 'invites' }, t('admin:invites.title'), body));
  });

  admin.post('/invites', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const back = { href: '/admin/invites', label: t('admin:nav.invites') };
    const form = (req.body ?? {}) as Record<string, unknown>;
    const groupId = parseId(form.groupId);
    const role = queryText(form.role);
    if (groupId === null || !roles.includes(role as Role)) return badRequest(kit, reply, who, back);
    const group = await groupToInvite(db, groupId);
    if (!group) return badRequest(kit, reply, who, back);
    if (!canSee(who.scope, group.areaId)) return kit.forbidden(req, reply, who, group.areaId);

    const { code, expiresAt } = await createInvite(db, { groupId: group.id, role: role as Role, ttlDays, createdBy: actorName(who.actor) });
    await auditAdmin(db, who.actor, 'admin.invite.create', { entity: 'CommunicationGroup', entityId: String(group.id), areaId: group.areaId, after: { role, expiresAt: expiresAt.toISOString() } });
    const roleLabel = t(`admin:invites.role.${role}`);
    const title = t('admin:invites.createdTitle', { role: roleLabel, group: group.name });
    const body = html`<section class="box">
<h1>${title}</h1>
<p class="code" id="invite-code">${code}</p>
<p>${t('admin:invites.expires', { time: localTime(expiresAt, timeZone) })}</p>
<p class="notice">${t('admin:invites.onlyOnce')}</p>
<h2>${t('admin:invites.howTitle')}</h2>
<p>${t('admin:invites.howSend', { role: roleLabel })}</p>
<p class="code-line">/dangky ${code}</p>
<ul>
<li>${t('admin:invites.howTelegram')}</li>
<li>${t('admin:invites.howZalo')}</li>
</ul>
<p class="muted">${t('admin:invites.howAfter')}</p>
<p><a class="button" href="/admin/invites">${t('admin:invites.back')}</a></p>
</section>`;
    return kit.send(reply, 200, layout({ ...who.ctx, current: 'invites' }, title, body));
  });
}
