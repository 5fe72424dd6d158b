import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../common/config/app-config';
import { SANDBOX_GOOGLE_OAUTH_CLIENT, SANDBOX_MICROSOFT_OAUTH_CLIENT } from '../common/config/sandbox-clients';
import { CaldavCalendarProvider } from './caldav/caldav-calendar.provider';
import { GoogleCalendarProvider } from './google/google-calendar.provider';
import type { GoogleOAuthClientCredentials } from './google/google-token-source';
import { GoogleUserOAuthProvider } from './google/google-user-oauth.provider';
import { MicrosoftCalendarProvider } from './microsoft/microsoft-calendar-provider';
import type { MicrosoftOAuthClient } from './microsoft/microsoft-token-source';
import { MicrosoftUserOAuth } from './microsoft/microsoft-user-oauth';
import { PRODUCTION_ENDPOINTS, type ProviderEndpoints } from './provider-endpoints';
import { ProviderRegistry } from './provider-registry';

export const PROVIDER_ENDPOINTS = Symbol('PROVIDER_ENDPOINTS');

/**
 * Where the drivers send requests: Google's and Microsoft's hosts in production; in sandbox
 * mode the emulators mounted under this server's own public URL, reached over HTTP exactly
 * like the real services (the drivers never import the sandbox).
 */
export function providerEndpoints(config: Pick<AppConfig, 'sandbox' | 'publicBaseUrl'>): ProviderEndpoints {
  if (!config.sandbox) return PRODUCTION_ENDPOINTS;
  const google = `${config.publicBaseUrl}/sandbox/google`;
  const microsoft = `${config.publicBaseUrl}/sandbox/microsoft`;
  return {
    google: { apiBaseUrl: google, oauthBaseUrl: google, authBaseUrl: google },
    microsoft: { graphBaseUrl: `${microsoft}/graph/v1.0`, loginBaseUrl: `${microsoft}/login` },
  };
}

/** The product's Google OAuth client: configured, or the one the sandbox emulator registers. */
export function googleOAuthClient(config: Pick<AppConfig, 'sandbox' | 'google'>): GoogleOAuthClientCredentials | undefined {
  return config.google ?? (config.sandbox ? { ...SANDBOX_GOOGLE_OAUTH_CLIENT } : undefined);
}

/** The product's Microsoft app registration for user OAuth: configured, or the sandbox emulator's. */
export function microsoftOAuthClient(config: Pick<AppConfig, 'sandbox' | 'microsoft'>): MicrosoftOAuthClient | undefined {
  if (config.microsoft) return { clientId: config.microsoft.clientId, clientSecret: config.microsoft.clientSecret, tenant: config.microsoft.tenant };
  return config.sandbox ? { ...SANDBOX_MICROSOFT_OAUTH_CLIENT } : undefined;
}

@Module({
  providers: [
    { provide: PROVIDER_ENDPOINTS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => providerEndpoints(config) },
    {
      provide: GoogleCalendarProvider,
      inject: [APP_CONFIG, PROVIDER_ENDPOINTS],
      useFactory: (config: AppConfig, endpoints: ProviderEndpoints) =>
        new GoogleCalendarProvider({
          endpoints: endpoints.google,
          oauthClient: googleOAuthClient(config),
          pacing: { maxConcurrent: 4, requestsPerWindow: config.googleRequestsPerMinute, windowMs: 60_000 },
        }),
    },
    {
      provide: ProviderRegistry,
      inject: [APP_CONFIG, PROVIDER_ENDPOINTS, GoogleCalendarProvider],
      useFactory: (config: AppConfig, endpoints: ProviderEndpoints, google: GoogleCalendarProvider) => {
        const microsoftClient = microsoftOAuthClient(config);
        const registry = new ProviderRegistry()
          .register(google)
          .register(new MicrosoftCalendarProvider({ endpoints: endpoints.microsoft, oauthClient: microsoftClient }))
          .register(new CaldavCalendarProvider());
        const googleClient = googleOAuthClient(config);
        if (googleClient) registry.registerUserOAuth(new GoogleUserOAuthProvider({ endpoints: endpoints.google, client: googleClient }));
        if (microsoftClient) registry.registerUserOAuth(new MicrosoftUserOAuth(endpoints.microsoft, microsoftClient));
        return registry;
      },
    },
  ],
  exports: [ProviderRegistry, PROVIDER_ENDPOINTS],
})
export class ProvidersModule {}
