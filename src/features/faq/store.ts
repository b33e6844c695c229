/**
 * What the FAQ keeps in the database and reads back: the questions it could not answer (without
 * who asked, for admins to review on the dashboard and mark handled) and the safety alerts it
 * sent to the Women's Union's admins.
 */
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../core/store/store.ts';
import { isProvinceAdmin, type AdminScope } from '../groups/index.ts';

/** Longest question kept for review: enough to understand it, not a pasted document. */
const keptQuestionChars = 500;
/** The same unanswered question is kept once in this time. */
const keptOnceMs = 60 * 60 * 1000;

/**
 * Keeps a question the FAQ could not answer for review, cut to its first 500 characters; once an
 * hour, so a question asked again and again (one person's flood) does not bury the others.
 */
export async function keepUnansweredQuestion(db: Db, question: { text: string; language: string; areaId: number | null }): Promise<void> {
  const text = question.text.slice(0, keptQuestionChars);
  const again = await db.unansweredQuestion.findFirst({ where: { text, createdAt: { gte: new Date(Date.now() - keptOnceMs) } }, select: { id: true } });
  if (!again) await db.unansweredQuestion.create({ data: { text, language: question.language, areaId: question.areaId } });
}

/** The questions an admin may see: those of areas inside the scope, and the area-less ones for a province admin. */
function questionsWhere(scope: AdminScope): Prisma.UnansweredQuestionWhereInput {
  const inScope: Prisma.UnansweredQuestionWhereInput = { areaId: { in: [...scope.areaIds] } };
  return isProvinceAdmin(scope) ? { OR: [inScope, { areaId: null }] } : inScope;
}

/** One page (1-based) of the unanswered questions the admin may see, newest first, with their area's name, and how many there are. */
export async function unansweredPage(db: Db, scope: AdminScope, page: number, pageSize: number) {
  const where = questionsWhere(scope);
  const [total, rows] = await Promise.all([
    db.unansweredQuestion.count({ where }),
    db.unansweredQuestion.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { area: { select: { name: true } } },
    }),
  ]);
  return { total, rows };
}

/** One unanswered question by id, or null when it is gone (handled already). */
export async function unansweredQuestion(db: Db, id: number) {
  return db.unansweredQuestion.findUnique({ where: { id } });
}

export interface HandledQuestion {
  id: number;
  text: string;
  language: string;
  areaId: number | null;
  createdAt: Date;
}

/** Deletes a question an admin handled, audited with its text; nothing when another admin did it first. */
export async function markQuestionHandled(db: Db, question: HandledQuestion, by: { personId: number; actor: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.unansweredQuestion.deleteMany({ where: { id: question.id } });
    if (count === 0) return;
    await tx.auditLog.create({
      data: {
        actorId: by.personId,
        actor: by.actor,
        action: 'admin.question.done',
        entity: 'UnansweredQuestion',
        entityId: String(question.id),
        areaId: question.areaId,
        before: { text: question.text, language: question.language, areaId: question.areaId, createdAt: question.createdAt.toISOString() },
      },
    });
  });
}

/** A safety alert sent for this chat ("telegram:123") since `since`, or null. */
export async function recentSafetyAlert(db: Db, chat: string, since: Date) {
  return db.auditLog.findFirst({ where: { action: 'safety.alert', entity: 'chat', entityId: chat, at: { gte: since } } });
}

/** The active private chats on `platform` of the admins of `areaId` (an area's own grants, not those above it). */
export async function areaAdminChats(db: Db, areaId: number, platform: string): Promise<string[]> {
  const grants = await db.adminGrant.findMany({
    where: { areaId },
    select: { person: { select: { chatLinks: { where: { platform, kind: 'private', active: true }, select: { chatId: true } } } } },
  });
  return grants.flatMap((g) => g.person.chatLinks.map((c) => c.chatId));
}

/** Records that a chat's safety alert reached `admins` admins of `areaId` — never who asked nor what they wrote. */
export async function recordSafetyAlert(db: Db, chat: string, areaId: number, admins: number): Promise<void> {
  await db.auditLog.create({ data: { actor: 'villager', action: 'safety.alert', entity: 'chat', entityId: chat, areaId, after: { admins } } });
}
