/**
 * The reporting slice's public face: the leaders' report conversation, quarters, the compliance
 * table, the reminders the app schedules, the exports and the quarterly summary.
 */
export { reportFlow, type ReportDeps } from './chat.ts';
export { readFormats, readReportContent, type Format, type ReportWords } from './parse.ts';
export { formatQuarter, localDateOf, parseQuarter, quarterOf, type Quarter } from './quarter.ts';
export { complianceTable, filterAreas, type ComplianceTable, type QuarterShare, type QuarterStatus } from './compliance.ts';
export { reminderStillWanted, reportReminderJob, scheduleReportJobs, type Send } from './reminders.ts';
export { exportRows, toCsv, toXlsx } from './export.ts';
export { buildSummary, formatPeriod, parsePeriod, summaryCsv, summaryXlsx, type Period } from './summary.ts';
