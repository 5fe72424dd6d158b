import type { AppConfig } from './app-config';

/** The seed's provider path segments for the OAuth providers (`outlook` is Microsoft). */
export type OAuthPathProvider = 'google' | 'outlook';

/**
 * The redirect URI sent to `provider` at authorize (and again at the code exchange): the
 * configured CONNECTIONS_REDIRECT_URI with `{provider}` replaced. The sandbox emulators register
 * exactly these values for the product's OAuth client.
 */
export function connectionRedirectUri(config: Pick<AppConfig, 'connections'>, provider: OAuthPathProvider): string {
  return config.connections.redirectUri.replaceAll('{provider}', provider);
}
