import { Injectable } from '@nestjs/common';
import type { CalendarProvider, UserOAuthProvider } from './calendar-provider';
import { ProviderError, type ProviderName } from './provider-errors';

/**
 * The drivers by provider name. The sync engine and the surfaces ask for `get('google')` and
 * never see a driver class. ProvidersModule registers the drivers at boot:
 * - google: GoogleCalendarProvider (+ GoogleUserOAuthProvider when an OAuth client is known)
 * - microsoft: MicrosoftCalendarProvider (+ MicrosoftUserOAuth when an app registration is known)
 * - caldav: CaldavCalendarProvider
 */
@Injectable()
export class ProviderRegistry {
  private readonly calendars = new Map<ProviderName, CalendarProvider>();
  private readonly userOAuth = new Map<Exclude<ProviderName, 'caldav'>, UserOAuthProvider>();

  register(provider: CalendarProvider): this {
    if (this.calendars.has(provider.name)) throw new Error(`A ${provider.name} calendar provider is registered already`);
    this.calendars.set(provider.name, provider);
    return this;
  }

  registerUserOAuth(provider: UserOAuthProvider): this {
    if (this.userOAuth.has(provider.name)) throw new Error(`A ${provider.name} OAuth provider is registered already`);
    this.userOAuth.set(provider.name, provider);
    return this;
  }

  has(name: ProviderName): boolean {
    return this.calendars.has(name);
  }

  /** The driver for a provider; INVALID_REQUEST when none is configured (e.g. no credentials for it). */
  get(name: ProviderName): CalendarProvider {
    const provider = this.calendars.get(name);
    if (!provider) throw notConfigured(name);
    return provider;
  }

  /** User OAuth (Connections) for Google or Microsoft. */
  oauth(name: Exclude<ProviderName, 'caldav'>): UserOAuthProvider {
    const provider = this.userOAuth.get(name);
    if (!provider) throw notConfigured(name);
    return provider;
  }

  names(): ProviderName[] {
    return [...this.calendars.keys()];
  }
}

function notConfigured(name: ProviderName): ProviderError {
  return new ProviderError('INVALID_REQUEST', `No ${name} provider is configured`, { provider: name });
}
