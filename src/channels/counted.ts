/**
 * A channel whose sends are counted for /metrics (core/metrics.ts) by platform and result: sent, or
 * the kind of failure (throttled is the platform's 429). Everything else passes through.
 */
import { sends } from '../core/metrics.ts';
import type { Channel, SendResult } from './channel.ts';

export function counted(channel: Channel): Channel {
  const count = (result: SendResult) => (sends.inc({ platform: channel.platform, result: result.ok ? 'sent' : result.error.kind }), result);
  return {
    platform: channel.platform,
    maxTextLength: channel.maxTextLength,
    start: (handler) => channel.start(handler),
    stop: () => channel.stop(),
    send: (target, message) => channel.send(target, message).then(count),
    ...(channel.edit && { edit: (target, message) => channel.edit!(target, message) }),
    ...(channel.status && { status: () => channel.status!() }),
  };
}
