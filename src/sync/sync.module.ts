import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinkEventMappingEntity } from '../database/entities/link-event-mapping.entity';
import { LinkEventMappingsRepository } from '../database/repositories/link-event-mappings.repository';
import { SyncEngine } from './sync-engine.service';

/**
 * The sync engine and its mapping repository, given the driver registry as the CALENDAR_PROVIDERS
 * provider, e.g. `SyncModule.withProviders({ provide: CALENDAR_PROVIDERS, useFactory: (registry) => (name) => registry.get(name), inject: [ProviderRegistry] })`.
 */
@Module({})
export class SyncModule {
  /** `providers`: the CALENDAR_PROVIDERS provider (a CalendarProviderLookup). */
  static withProviders(providers: Provider): DynamicModule {
    return {
      module: SyncModule,
      imports: [TypeOrmModule.forFeature([LinkEventMappingEntity])],
      providers: [LinkEventMappingsRepository, SyncEngine, providers],
      exports: [SyncEngine, LinkEventMappingsRepository],
    };
  }
}
