import { advisoryKey, TenantMutex, WithClient } from './tenant-mutex.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TenantMutex', () => {
  it("runs one tenant's work one at a time, in arrival order, and other tenants alongside", async () => {
    const mutex = new TenantMutex();
    const events: string[] = [];
    const work = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
    };
    await Promise.all([mutex.inProcess('a', work('a1', 30)), mutex.inProcess('a', work('a2', 5)), mutex.inProcess('b', work('b1', 10))]);
    expect(events).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
    expect(mutex.activeTenants()).toBe(0);
  });

  it('releases the tenant after a failure', async () => {
    const mutex = new TenantMutex();
    await expect(mutex.inProcess('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.inProcess('a', async () => 'next')).resolves.toBe('next');
  });

  it('holds the advisory lock on the job connection around the work, and unlocks after a failure', async () => {
    const statements: string[] = [];
    const withClient: WithClient = (callback) =>
      callback({
        query: async (sql: string, values?: unknown[]) => {
          statements.push(`${sql} ${JSON.stringify(values)}`);
          return {};
        },
      });
    const mutex = new TenantMutex();
    const key = advisoryKey('6f1d2c3b-0000-4000-8000-000000000000');
    await expect(
      mutex.runExclusive('6f1d2c3b-0000-4000-8000-000000000000', withClient, async () => {
        statements.push('work');
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    expect(statements).toEqual([`SELECT pg_advisory_lock($1::bigint) ["${key}"]`, 'work', `SELECT pg_advisory_unlock($1::bigint) ["${key}"]`]);
  });

  it('gives each tenant a stable key in its own key class', () => {
    expect(advisoryKey('6f1d2c3b-0000-4000-8000-000000000000')).toBe(((0x43420001n << 32n) | 0x6f1d2c3bn).toString());
    expect(advisoryKey('00000001-0000-4000-8000-000000000000')).not.toBe(advisoryKey('00000002-0000-4000-8000-000000000000'));
  });
});
