/**
 * The platform-wide limit where the platform counts it: at most `perSecond` sends start in any
 * window of a second, in this process (each RateClock keeps one per platform, for broadcasts and
 * replies alike). The slot clock (outbox.ts) spaces the sends; this holds back those a slow moment
 * bunched together (a database write between a send's slot and the send ran long, a busy event
 * loop woke a reply late), which the platform would refuse (429) — pausing a whole broadcast. The
 * window is 2 % longer than a second, for the time a request takes to reach the platform. Real
 * time, not the dispatcher's clock: it is about what the platform sees.
 */
const windowMs = 1020;

export class SendWindow {
  private readonly limit: number;
  /** Start times (performance.now) within the window, oldest first. */
  private readonly started: number[] = [];

  constructor(perSecond: number) {
    this.limit = Math.max(1, Math.floor(perSecond));
  }

  /** Waits until a send may start, and counts it. */
  async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      while (this.started.length > 0 && this.started[0]! <= now - windowMs) this.started.shift();
      if (this.started.length < this.limit) {
        this.started.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.started[0]! + windowMs - now));
    }
  }
}
