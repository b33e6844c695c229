/** Real time from a chosen instant, moved only forward (for tests of what is due when). */
export class Clock {
  private offset: number;
  constructor(start: Date) {
    this.offset = start.getTime() - Date.now();
  }
  readonly ms = () => Date.now() + this.offset;
  readonly date = () => new Date(this.ms());
  set(to: Date): void {
    const shift = to.getTime() - this.ms();
    if (shift < 0) throw new Error('the clock only moves forward');
    this.offset += shift;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
