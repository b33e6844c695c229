/**
 * Schedules: list, create (content or own text, audience inside the admin's area, once/cron/calendar, preview per language), pause, resume, delete, each broadcast's live progress.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminKit } from './routes.ts';

export function registerSchedulePages(admin: FastifyInstance, kit: AdminKit): void {
  void admin;
  void kit;
}
