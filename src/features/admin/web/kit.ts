/**
 * What the dashboard's pages share: the dependencies the app gives the dashboard, who is signed
 * in, and the kit each page module registers its routes with. Types only, so that the pages and
 * routes.ts (which builds the kit) do not import each other.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QuietHours } from '../../../core/config.ts';
import type { CampaignLibrary } from '../../../content/campaigns.ts';
import type { DirectoryFile, Topic } from '../../faq/index.ts';
import type { Logger } from '../../../core/log.ts';
import type { Format } from '../../reporting/index.ts';
import type { Db } from '../../../core/store/store.ts';
import type { Actor } from '../auth.ts';
import type { PageContext } from './pages.ts';
import type { AdminScope } from '../../groups/index.ts';

export interface AdminRouteDeps {
  db: Db;
  log: Logger;
  /** Sandbox mode: the login page also lists the demo admins to log in as. */
  sandbox: boolean;
  /** PUBLIC_URL; an https one marks the cookies Secure. */
  publicUrl: string | null;
  timeZone: string;
  /** The campaign library: messages and calendar events a schedule can pick. */
  campaigns: CampaignLibrary;
  /** Platforms this deployment sends on (a schedule's audience is resolved on them). */
  platforms: readonly string[];
  /** Report formats and topics with their labels (report pages and exports). */
  report: { formats: Format[]; topics: Topic[] };
  /** QUIET_HOURS: the schedule pages say when a message waits for the morning; absent: none. */
  quietHours?: QuietHours;
  /** How long an invite code made on the dashboard lasts (INVITE_TTL_DAYS); absent: 14 days. */
  inviteTtlDays?: number;
  /** Runs due schedules now instead of at the next minute tick (after "send now"); absent: the tick does it. */
  kick?: () => Promise<void>;
  /** The most rows one export may have (default 50 000; tests lower it). */
  exportRowLimit?: number;
  /** The directory files by area code: the overview lists their numbers awaiting the province's confirmation. */
  directory?: ReadonlyMap<string, DirectoryFile>;
}

export interface SignedIn {
  actor: Actor;
  name: string;
  scope: AdminScope;
  ctx: PageContext;
}

/** What a page of the dashboard needs: who is signed in (or the answer already sent), the 403 guard, the sender. */
export interface AdminKit {
  deps: AdminRouteDeps;
  /** The signed-in admin with their scope and page context; null when the request was already answered. */
  signedIn(req: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null>;
  /** Answers 403 for an area outside the admin's scope and writes `admin.forbidden` to the audit log. */
  forbidden(req: FastifyRequest, reply: FastifyReply, who: SignedIn, areaId: number): Promise<void>;
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
}

/** A slice's dashboard pages: registered on the /admin plugin, given the kit. */
export type DashboardPages = (admin: FastifyInstance, kit: AdminKit) => void;
