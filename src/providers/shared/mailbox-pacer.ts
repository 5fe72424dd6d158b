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
  /** Start times of the requests inside the current window, oldest first. */
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
      await this.waitForBudget(lane, Math.max(1, Math.min(cost, this.options.requestsPerWindow)));
      return request();
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

  private async waitForBudget(lane: MailboxLane, cost: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (lane.started.length > 0 && lane.started[0] <= now - this.options.windowMs) lane.started.shift();
      if (lane.started.length + cost <= this.options.requestsPerWindow) {
        for (let i = 0; i < cost; i++) lane.started.push(now);
        return;
      }
      const oldestNeeded = lane.started[lane.started.length + cost - this.options.requestsPerWindow - 1];
      await this.clock.sleep(Math.max(1, oldestNeeded + this.options.windowMs - now));
    }
  }
}
