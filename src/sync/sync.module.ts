import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ProviderRegistry } from '../providers/provider-registry';
import { ProvidersModule } from '../providers/providers.module';
import { CALENDAR_PROVIDERS, CalendarProviderLookup } from './calendar-providers';
import { SyncEngine } from './sync-engine.service';
import { TwoWaySyncService } from './two-way-sync.service';

/**
 * The sync engine. Its mapping repository comes from the shared repository layer
 * (src/database, global); the drivers come from the CALENDAR_PROVIDERS lookup.
 */
@Module({})
export class SyncModule {
  /** In the app: the drivers of the provider registry. */
  static forApp(): DynamicModule {
    return SyncModule.withProviders(
      { provide: CALENDAR_PROVIDERS, inject: [ProviderRegistry], useFactory: (registry: ProviderRegistry): CalendarProviderLookup => (name) => registry.get(name) },
      [ProvidersModule],
    );
  }

  /** With any lookup (tests wrap drivers to count or break their calls). */
  static withProviders(providers: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: SyncModule,
      imports,
      providers: [SyncEngine, TwoWaySyncService, providers],
      exports: [SyncEngine, TwoWaySyncService],
    };
  }
}
