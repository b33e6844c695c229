/** The reporting slice's dashboard pages: the reports and the exports. */
export { registerReportPages } from './report-pages.ts';
export { registerExportPages } from './export-pages.ts';
