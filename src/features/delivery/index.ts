/**
 * The delivery slice's public face: who a message goes to, schedules, broadcasts and their
 * progress, the outbox's stored reasons, and the delivery service the app starts.
 */
export { audienceSchema, resolveAudience, type Audience } from './audience.ts';
export { chatJoined, chatLeft, chatMoved } from './chats.ts';
export { broadcastProgress, latestBroadcastIds, listedGroups, type Progress } from './broadcasts.ts';
export type { StillWanted } from './dispatcher.ts';
export { stoppedByUnsubscribe } from './outbox.ts';
export { databaseClock, memoryClock, type RateClock } from './rate-clock.ts';
export { reasons, stored } from './reasons.ts';
export { ScheduleError, addSchedule, listSchedules, setScheduleStatus, type What, type When } from './schedules.ts';
export { standingOf, stillGoing, type Standing } from './standing.ts';
export { pacedChannel, startDelivery, type DeliveryService } from './service.ts';
export { outboxFigures, outboxHealth, stallAfterMs, type OutboxHealth } from './stall.ts';
