/**
 * What the app's composition root gives the conversation, built here from the shipped content/
 * and the configuration's defaults, for tests that start a real inbound handler.
 */
import { loadConfig } from '../../src/core/config.ts';
import { loadCampaigns, type CampaignLibrary } from '../../src/content/campaigns.ts';
import type { AdminChatDeps } from '../../src/features/admin/chat.ts';
import type { InboundDeps } from '../../src/bot/inbound.ts';
import { loadFaq, type Faq } from '../../src/features/faq/faq.ts';
import { readReportContent } from '../../src/features/reporting/parse.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

/** The configuration with nothing set: its defaults (TZ_AREA, REPORT_GRACE_DAYS, INVITE_TTL_DAYS, …). */
export const defaults = loadConfig({ SANDBOX: 'on' });

let faq: Faq | undefined;
let campaigns: CampaignLibrary | undefined;

/** The shipped FAQ, loaded once per test file. */
export function shippedFaq(): Faq {
  return (faq ??= loadFaq(defaultContentDir));
}

/** The admin commands' dependencies as the app builds them (no dashboard, `baseUrl: null`, and no quiet hours unless overridden). */
export function adminChat(overrides: Partial<AdminChatDeps> = {}): AdminChatDeps {
  return {
    baseUrl: null,
    campaigns: (campaigns ??= loadCampaigns(defaultContentDir)),
    platforms: ['sandbox'],
    timeZone: defaults.timeZone,
    inviteTtlDays: defaults.inviteTtlDays,
    // No quiet hours, whatever the time of the run: tests of quiet hours set their own.
    quietHours: null,
    kick: async () => {},
    ...overrides,
  };
}

/** The content and settings an inbound handler needs, as `loaban start` gives them with the default configuration. */
export function chatDeps(overrides: { admin?: Partial<AdminChatDeps> } = {}): Pick<InboundDeps, 'faq' | 'report' | 'admin'> {
  const shipped = shippedFaq();
  return { faq: shipped, report: { ...readReportContent(defaultContentDir), topics: shipped.knowledge.topics, timeZone: defaults.timeZone, graceDays: defaults.reportGraceDays }, admin: adminChat(overrides.admin) };
}
