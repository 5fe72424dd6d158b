import { Injectable } from '@nestjs/common';
import type { CalendarProvider } from './calendar-provider';
import { ProviderError, type ProviderName } from './provider-errors';

/**
 * The drivers by provider name. The sync engine and the job runner ask for `get('google')` and
 * never see a driver class.
 */
@Injectable()
export class ProviderRegistry {
  private readonly calendars = new Map<ProviderName, CalendarProvider>();

  register(provider: CalendarProvider): this {
    if (this.calendars.has(provider.name)) throw new Error(`A ${provider.name} calendar provider is registered already`);
    this.calendars.set(provider.name, provider);
    return this;
  }

  has(name: ProviderName): boolean {
    return this.calendars.has(name);
  }

  /** The driver for a provider; INVALID_REQUEST when none is configured. */
  get(name: ProviderName): CalendarProvider {
    const provider = this.calendars.get(name);
    if (!provider) throw new ProviderError('INVALID_REQUEST', `No ${name} provider is configured`, { provider: name });
    return provider;
  }

  names(): ProviderName[] {
    return [...this.calendars.keys()];
  }
}
