/**
 * Reports (list and detail with photos and corrections), unanswered FAQ questions, invite codes for groups, and the audit log (province admins).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminKit } from './routes.ts';

export function registerReportPages(admin: FastifyInstance, kit: AdminKit): void {
  void admin;
  void kit;
}
