/**
 * Long polling by one process at a time. Telegram and Zalo hand each update to one poller and
 * answer a second one with 409 Conflict, so where several processes share a PostgreSQL database a
 * channel that polls first takes the lock "<platform>:polling" (core/store/presence.ts); the other
 * processes stand by and the first to ask takes over the moment the lock is free again — the poller
 * stopped, died or lost its connection to the database. A poller that cannot poll (the platform
 * unreachable from its machine) for `giveUpMs` gives the lock up for a while, so that another
 * machine may try. Sending never waits for the lock: every process sends.
 */
import type { Lead } from '../core/store/presence.ts';
import type { Logger } from '../core/log.ts';
import type { Channel, ChannelStatus, InboundHandler } from './channel.ts';

/**
 * `first` (a channel that polls) receiving only while this process holds the lock. When the lock
 * is lost the channel stops receiving and a new one, from `make`, polls once the lock is taken again.
 */
export function pollingInTurn(first: Channel, make: () => Channel, lead: (name: string) => Promise<Lead>, log: Logger, { giveUpMs = 120_000, checkMs = 5_000 } = {}): Channel {
  let current = first;
  let stopped = false;
  const standby: ChannelStatus = { ok: true, receiving: 'standby' };
  let receiving = false;
  let wakeStop = () => {};
  const stopping = new Promise<void>((resolve) => (wakeStop = resolve));
  let loop: Promise<void> = Promise.resolve();

  async function takeTurns(handler: InboundHandler): Promise<void> {
    for (let turn = 0; !stopped; turn++) {
      const held = await Promise.race([lead(`${first.platform}:polling`), stopping.then(() => null)]);
      if (!held || stopped) return;
      if (turn > 0) current = make();
      log.info({ platform: first.platform }, 'this process polls now (it holds the polling lock)');
      await current.start(handler);
      receiving = true;
      const why = await Promise.race([held.lost.then(() => 'lost' as const), stopping.then(() => 'stop' as const), failing(current)]);
      if (why === 'stop') return;
      receiving = false;
      await current.stop();
      if (why === 'lost') {
        log.error({ platform: first.platform }, 'the polling lock was lost with the database connection; polling stops until this process holds it again');
        continue;
      }
      log.error({ platform: first.platform, seconds: giveUpMs / 1000 }, 'polling has not worked for a while here: the polling lock is given up for another process to try');
      await held.release();
      await Promise.race([new Promise((resolve) => setTimeout(resolve, giveUpMs / 4)), stopping]);
    }
  }

  /** Resolves once `channel` has not been receiving for `giveUpMs` in a row. */
  function failing(channel: Channel): Promise<'failing'> {
    return new Promise((resolve) => {
      let since: number | null = null;
      const timer = setInterval(() => {
        if (channel !== current) return clearInterval(timer);
        const ok = channel.status?.().ok ?? true;
        since = ok ? null : (since ?? Date.now());
        if (stopped || (since !== null && Date.now() - since >= giveUpMs)) {
          clearInterval(timer);
          if (!stopped) resolve('failing');
        }
      }, checkMs);
      timer.unref();
      void stopping.then(() => clearInterval(timer));
    });
  }

  return {
    platform: first.platform,
    maxTextLength: first.maxTextLength,
    async start(handler) {
      loop = takeTurns(handler).catch((err: unknown) => log.error({ err, platform: first.platform }, 'polling in turn failed'));
    },
    async stop() {
      stopped = true;
      wakeStop();
      await loop;
      await current.stop();
    },
    send: (target, message) => current.send(target, message),
    ...(first.edit && { edit: (target, message) => current.edit!(target, message) }),
    status: () => (receiving ? (current.status?.() ?? { ok: true, receiving: 'polling' }) : standby),
  };
}
