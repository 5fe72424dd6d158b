import { Semaphore } from 'async-mutex';
import { RetryClock, SYSTEM_CLOCK } from './provider-retry';

export interface PacingOptions {
  /** Requests in flight per mailbox at once (Graph allows 4). */
  maxConcurrent: number;
  /** Requests per window per mailbox (Graph: 10,000 per 10 minutes; Google: the per-user quota). */
  requestsPerWindow: number;
  windowMs: number;
}

interface MailboxLane {
  semaphore: Semaphore;
  /** Times the requests inside the current window were counted at (reserved at the send, moved to the answer), oldest first. */
  started: number[];
}

/**
 * Paces requests per mailbox under a concurrency limit and a sliding-window budget, so that a
 * sync of one busy mailbox stays under the provider's quota instead of collecting 429s. One
 * batch HTTP request counts as one request (that is how both providers count it for pacing;
 * Graph counts each sub-request against the mailbox too, so the Graph driver passes its size).
 */
export class MailboxPacer {
  private readonly lanes = new Map<string, MailboxLane>();

  constructor(
    private readonly options: PacingOptions,
    private readonly clock: RetryClock = SYSTEM_CLOCK,
  ) {}

  /**
   * `slots`: how many of the mailbox's concurrent requests this one occupies. A Graph $batch whose
   * sub-requests run side by side at the provider takes as many slots as it runs at once.
   */
  async run<T>(mailbox: string, cost: number, request: () => Promise<T>, slots = 1): Promise<T> {
    const lane = this.lane(mailbox.toLowerCase());
    return lane.semaphore.runExclusive(async () => {
      const charged = Math.max(1, Math.min(cost, this.options.requestsPerWindow));
      const reservedAt = await this.waitForBudget(lane, charged);
      try {
        return await request();
      } finally {
        this.settle(lane, charged, reservedAt);
      }
    }, this.slotsFor(slots));
  }

  /** Concurrent requests per mailbox that this pacer allows. */
  get maxConcurrent(): number {
    return this.options.maxConcurrent;
  }

  private slotsFor(slots: number): number {
    return Math.max(1, Math.min(Math.floor(slots), this.options.maxConcurrent));
  }

  private lane(key: string): MailboxLane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { semaphore: new Semaphore(this.options.maxConcurrent), started: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Waits until `cost` more requests fit in the window and reserves them; returns the reservation's time. */
  private async waitForBudget(lane: MailboxLane, cost: number): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      while (lane.started.length > 0 && lane.started[0] <= now - this.options.windowMs) lane.started.shift();
      if (lane.started.length + cost <= this.options.requestsPerWindow) {
        for (let i = 0; i < cost; i++) lane.started.push(now);
        return now;
      }
      const oldestNeeded = lane.started[lane.started.length + cost - this.options.requestsPerWindow - 1];
      await this.clock.sleep(Math.max(1, oldestNeeded + this.options.windowMs - now));
    }
  }

  /**
   * The provider counts a request when it handles it, somewhere between our send and its answer
   * (a Graph $batch's sub-requests one after another while the batch runs), so the reservation is
   * moved to the answer's time: the budget comes back a window after the provider last counted,
   * never before. Counted from the send instead, a full window was freed while the provider still
   * counted the end of the last batch, and the next batch met 429s (bench links-initial-sync).
   * Every other entry is older than now, so pushing keeps the log in time order.
   */
  private settle(lane: MailboxLane, cost: number, reservedAt: number): void {
    const now = this.clock.now();
    if (now === reservedAt) return;
    let removed = 0;
    for (let i = lane.started.length - 1; i >= 0 && removed < cost; i--) {
      if (lane.started[i] === reservedAt) {
        lane.started.splice(i, 1);
        removed++;
      }
    }
    for (let i = 0; i < cost; i++) lane.started.push(now);
  }
}
