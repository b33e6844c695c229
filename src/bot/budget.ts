/**
 * Fairness per person: at most `perMinute` messages a minute from one person are answered, so
 * that one person's flood cannot crowd out everyone else's replies. The first message over the
 * budget gets a notice that the bot will answer later; the rest of the burst is dropped. Kept in
 * memory, per process: pure arithmetic over the times given.
 */

export type BudgetVerdict = 'within' | 'firstOver' | 'over';

/** People remembered at most; past that the least recent are forgotten. */
const maxPeople = 50_000;

export class PersonBudget {
  private readonly seen = new Map<string, { times: number[]; noticed: boolean }>();

  constructor(readonly perMinute: number) {}

  /** Counts a message from `person` at `now` (ms) and says whether it is within the budget. */
  take(person: string, now: number): BudgetVerdict {
    const entry = this.seen.get(person) ?? { times: [], noticed: false };
    this.seen.delete(person);
    this.seen.set(person, entry);
    if (this.seen.size > maxPeople) this.seen.delete(this.seen.keys().next().value!);
    while (entry.times.length > 0 && entry.times[0]! <= now - 60_000) entry.times.shift();
    if (entry.times.length < this.perMinute) {
      entry.times.push(now);
      entry.noticed = false;
      return 'within';
    }
    if (entry.noticed) return 'over';
    entry.noticed = true;
    return 'firstOver';
  }
}
