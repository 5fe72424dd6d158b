import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { RepositoriesModule } from '../../src/database/repositories.module';
import { LinkEventMappingsRepository } from '../../src/database/repositories/link-event-mappings.repository';
import type { CalendarProvider } from '../../src/providers/calendar-provider';
import { CALENDAR_PROVIDERS, CalendarProviderLookup } from '../../src/sync/calendar-providers';
import { SyncEngine } from '../../src/sync/sync-engine.service';
import { SyncModule } from '../../src/sync/sync.module';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('SyncModule wiring', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('builds the engine from the TypeORM connection and the injected provider lookup', async () => {
    const asked: string[] = [];
    const lookup: CalendarProviderLookup = (name) => {
      asked.push(name);
      return { name } as CalendarProvider;
    };
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(db.url)), RepositoriesModule, SyncModule.withProviders({ provide: CALENDAR_PROVIDERS, useValue: lookup })],
    }).compile();
    try {
      const engine = moduleRef.get(SyncEngine);
      const tenantId = '00000000-0000-4000-8000-000000000001';
      const linkId = '00000000-0000-4000-8000-000000000002';
      const destination = { provider: 'google' as const, access: { mailbox: 'x@example.test', credentials: { kind: 'google-oauth' as const, refreshToken: 'r' } }, calendarId: 'primary', timeZone: 'UTC' };
      // No rows for this link: nothing to delete, and the destination driver is looked up but never called.
      await expect(engine.removeCopies({ tenantId, linkId, destination })).resolves.toEqual({ deleted: 0 });
      expect(asked).toEqual(['google']);
      expect(await moduleRef.get(LinkEventMappingsRepository).listForLink(tenantId, linkId)).toEqual([]);
    } finally {
      await moduleRef.close();
    }
  });

  it('the mapping repository is scoped by tenant: another tenant neither sees nor deletes a link\'s rows', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(db.url)), RepositoriesModule, SyncModule.withProviders({ provide: CALENDAR_PROVIDERS, useValue: () => ({}) })],
    }).compile();
    try {
      const repository = moduleRef.get(LinkEventMappingsRepository);
      const dataSource = moduleRef.get(DataSource);
      const [mine, other] = (await dataSource.query(`INSERT INTO tenants (name) VALUES ('mine'), ('other') RETURNING id`)) as { id: string }[];
      const [link] = (await dataSource.query(
        `INSERT INTO links (tenant_id, source_email, source_type, source_tz, destination_email, destination_type, destination_tz, policy, status)
         VALUES ($1, 'a@x.test', 'caldav', 'UTC', 'b@x.test', 'caldav', 'UTC', 'subject', 'active') RETURNING id`,
        [mine.id],
      )) as { id: string }[];
      await repository.recordIntents(mine.id, link.id, [{ sourceEventId: 'e1', contentHash: 'a'.repeat(64), seriesSourceId: null }]);
      // Recording the same intent again keeps the first row (a pending create keeps the hash it meant to write).
      await repository.recordIntents(mine.id, link.id, [{ sourceEventId: 'e1', contentHash: 'b'.repeat(64), seriesSourceId: null }]);
      await repository.complete(other.id, link.id, 'e1', 'stolen', 'c'.repeat(64));
      await repository.completeMany(other.id, link.id, [{ sourceEventId: 'e1', copyEventId: 'stolen', contentHash: 'c'.repeat(64) }]);
      expect(await repository.listForLink(other.id, link.id)).toEqual([]);
      expect(await repository.remove(other.id, link.id, ['e1'])).toBe(0);
      const rows = await repository.listForLink(mine.id, link.id);
      expect(rows.map((row) => [row.sourceEventId, row.copyEventId, row.contentHash])).toEqual([['e1', null, 'a'.repeat(64)]]);
      await repository.complete(mine.id, link.id, 'e1', 'copy-1', 'd'.repeat(64));
      expect((await repository.listForLink(mine.id, link.id)).map((row) => [row.copyEventId, row.contentHash])).toEqual([['copy-1', 'd'.repeat(64)]]);
      await repository.recordIntents(mine.id, link.id, [{ sourceEventId: 'e2', contentHash: 'e'.repeat(64), seriesSourceId: null }]);
      // A chunk's completions in one statement: each row gets its own id and hash.
      await repository.completeMany(mine.id, link.id, [
        { sourceEventId: 'e2', copyEventId: 'copy-2', contentHash: 'f'.repeat(64) },
        { sourceEventId: 'e1', copyEventId: 'copy-1b', contentHash: '1'.repeat(64) },
      ]);
      expect((await repository.listForLink(mine.id, link.id)).map((row) => [row.sourceEventId, row.copyEventId, row.contentHash])).toEqual([
        ['e1', 'copy-1b', '1'.repeat(64)],
        ['e2', 'copy-2', 'f'.repeat(64)],
      ]);
      expect(await repository.remove(mine.id, link.id, ['e1', 'e2'])).toBe(2);
    } finally {
      await moduleRef.close();
    }
  });
});
