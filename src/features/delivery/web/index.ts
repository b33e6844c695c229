/** The delivery slice's dashboard pages: schedules, their form and their progress. */
export { registerSchedulePages } from './schedule-pages.ts';
