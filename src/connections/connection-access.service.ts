import { Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box';
import type { ConnectionEntity, ConnectionSecret } from '../database/entities/connection.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import type { CalendarAccess, OAuthTokens, ProviderCredentials } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-errors';

/**
 * A connection → an unsealed CalendarAccess for the drivers. When a driver refreshes the user's
 * grant (and the provider rotates the refresh token), the new tokens are sealed and stored
 * before the driver goes on, so a crash right after never leaves us holding a dead token.
 * Shared by Connections (two-way sync) and DestinationCalendars (listing, writing).
 */
@Injectable()
export class ConnectionAccessService {
  constructor(
    private readonly secretBox: SecretBox,
    private readonly connections: ConnectionsRepository,
  ) {}

  seal(secret: ConnectionSecret): string {
    return this.secretBox.encryptJson(secret);
  }

  unseal(connection: Pick<ConnectionEntity, 'secretSealed'>): ConnectionSecret {
    return this.secretBox.decryptJson<ConnectionSecret>(connection.secretSealed);
  }

  accessFor(connection: ConnectionEntity): CalendarAccess {
    const secret = this.unseal(connection);
    return {
      mailbox: connection.accountEmail,
      credentials: credentialsOf(connection, secret),
      onTokensRefreshed: async (tokens: OAuthTokens) => {
        if (secret.kind !== 'oauth') return;
        const rotated: ConnectionSecret = {
          kind: 'oauth',
          refreshToken: tokens.refreshToken ?? secret.refreshToken,
          accessToken: tokens.accessToken,
          accessTokenExpiresAt: tokens.expiresAt,
        };
        await this.connections.replaceSecret(connection.tenantId, connection.userId, connection.id, this.seal(rotated));
      },
    };
  }
}

function credentialsOf(connection: ConnectionEntity, secret: ConnectionSecret): ProviderCredentials {
  if (connection.provider === 'caldav') {
    if (secret.kind !== 'caldav' || !connection.publicConfig.serverUrl) throw corrupt(connection);
    return { kind: 'caldav-basic', serverUrl: connection.publicConfig.serverUrl, username: connection.publicConfig.username ?? connection.accountEmail, password: secret.password };
  }
  if (secret.kind !== 'oauth') throw corrupt(connection);
  const tokens = { refreshToken: secret.refreshToken, accessToken: secret.accessToken, accessTokenExpiresAt: secret.accessTokenExpiresAt };
  return connection.provider === 'google' ? { kind: 'google-oauth', ...tokens } : { kind: 'microsoft-oauth', ...tokens };
}

function corrupt(connection: ConnectionEntity): ProviderError {
  return new ProviderError('AUTH_REVOKED', 'The stored credentials of this connection are unusable; reconnect the calendar', { provider: connection.provider });
}
