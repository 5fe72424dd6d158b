import { MailboxPacer } from './mailbox-pacer';
import { RetryClock } from './provider-retry';

function virtualClock(): RetryClock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    random: () => 0,
  };
}

describe('MailboxPacer', () => {
  it('never has more than maxConcurrent requests of one mailbox in flight', async () => {
    const pacer = new MailboxPacer({ maxConcurrent: 4, requestsPerWindow: 1_000, windowMs: 1_000 });
    let inFlight = 0;
    let peak = 0;
    const request = async (): Promise<void> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    };
    await Promise.all(Array.from({ length: 20 }, () => pacer.run('a@contoso.test', 1, request)));
    expect(peak).toBe(4);
  });

  it('keeps mailboxes independent', async () => {
    const pacer = new MailboxPacer({ maxConcurrent: 1, requestsPerWindow: 1_000, windowMs: 1_000 });
    let inFlight = 0;
    let peak = 0;
    const request = async (): Promise<void> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    };
    await Promise.all(['a@x.test', 'b@x.test', 'c@x.test'].map((mailbox) => pacer.run(mailbox, 1, request)));
    expect(peak).toBe(3);
  });

  it('spends the window budget by cost and waits for the window to slide', async () => {
    const clock = virtualClock();
    const pacer = new MailboxPacer({ maxConcurrent: 1, requestsPerWindow: 10, windowMs: 60_000 }, clock);
    const startedAt: number[] = [];
    for (let i = 0; i < 4; i++) await pacer.run('a@x.test', 4, async () => startedAt.push(clock.now()));
    // 4 + 4 fit in the first window; the third waits for it to slide past, which frees room for the fourth too.
    expect(startedAt).toEqual([0, 0, 60_000, 60_000]);
  });

  it('lets a request hold several slots, so a batch running 4 sub-requests at once excludes others', async () => {
    const pacer = new MailboxPacer({ maxConcurrent: 4, requestsPerWindow: 1_000, windowMs: 1_000 });
    const log: string[] = [];
    const hold = (name: string) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`end ${name}`);
    };
    await Promise.all([pacer.run('a@x.test', 20, hold('batch'), 4), pacer.run('a@x.test', 1, hold('single'))]);
    expect(log).toEqual(['start batch', 'end batch', 'start single', 'end single']);
    expect(pacer.maxConcurrent).toBe(4);
  });

  it('counts a request at its answer, so the budget returns a window after the provider last counted it', async () => {
    const clock = virtualClock();
    const pacer = new MailboxPacer({ maxConcurrent: 1, requestsPerWindow: 2, windowMs: 1_000 }, clock);
    const startedAt: number[] = [];
    // A batch of two that takes 500 ms: the provider counts its steps up to t = 500.
    await pacer.run('a@x.test', 2, async () => {
      startedAt.push(clock.now());
      await clock.sleep(500);
    });
    await pacer.run('a@x.test', 1, async () => startedAt.push(clock.now()));
    expect(startedAt).toEqual([0, 1_500]);
  });
});
