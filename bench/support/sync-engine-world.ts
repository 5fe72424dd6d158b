import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { LinkEventMappingEntity } from '../../src/database/entities/link-event-mapping.entity';
import { LinkEventMappingsRepository } from '../../src/database/repositories/link-event-mappings.repository';
import type { CalendarProvider } from '../../src/providers/calendar-provider';
import type { ProviderName } from '../../src/providers/provider-errors';
import { SyncEngine } from '../../src/sync/sync-engine.service';
import { openMigratedBenchDatabase } from './boot';

/**
 * The sync engine as the Links runner builds it (the mapping repository on a real, migrated
 * Postgres; the drivers by provider name), without the HTTP API and queue: the benches measure
 * the engine, which is what a Links job runs.
 */
export interface EngineWorld {
  engine: SyncEngine;
  dataSource: DataSource;
  tenantId: string;
  /** A links row (the mapping table's foreign key). */
  insertLink(source: { email: string; type: ProviderName }, destination: { email: string; type: ProviderName }): Promise<string>;
  close(): Promise<void>;
}

export async function openEngineWorld(providers: Partial<Record<ProviderName, CalendarProvider>>): Promise<EngineWorld> {
  const database = await openMigratedBenchDatabase();
  const dataSource = await new DataSource(buildDataSourceOptions(database.url)).initialize();
  const [tenant] = (await dataSource.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`)) as { id: string }[];
  const mappings = new LinkEventMappingsRepository(dataSource.getRepository(LinkEventMappingEntity));
  const engine = new SyncEngine(mappings, (name) => {
    const provider = providers[name];
    if (!provider) throw new Error(`no ${name} driver in this bench`);
    return provider;
  });
  return {
    engine,
    dataSource,
    tenantId: tenant.id,
    insertLink: async (source, destination) => {
      const [row] = (await dataSource.query(
        `INSERT INTO links (tenant_id, source_email, source_type, source_tz, destination_email, destination_type, destination_tz, policy, status)
         VALUES ($1, $2, $3, 'Europe/Berlin', $4, $5, 'Europe/Berlin', 'subject', 'active') RETURNING id`,
        [tenant.id, source.email, source.type, destination.email, destination.type],
      )) as { id: string }[];
      return row.id;
    },
    close: async () => {
      await dataSource.destroy();
      await database.close();
    },
  };
}
