import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../../src/common/config/app-config';
import { ConnectionAccessService } from '../../src/connections/connection-access.service';
import type { ConnectionEntity } from '../../src/database/entities/connection.entity';
import { ConnectionsRepository } from '../../src/database/repositories/connections.repository';
import type { CalendarAccess } from '../../src/providers/calendar-provider';
import { GoogleEmulator } from '../../src/sandbox/google/google-emulator';
import { MicrosoftEmulator } from '../../src/sandbox/microsoft/microsoft-emulator';
import { SANDBOX_MICROSOFT_DIRECTORY } from '../../src/sandbox/sandbox-seed';
import { createTenantWithKey } from './fixtures';
import { connectOAuth } from './user-connections';
import { http } from './http';

export { type SandboxApp, startSandboxApp } from './user-connections';

export interface CrmUser {
  tenantId: string;
  userId: number;
  token: string;
  headers: Record<string, string>;
}

/** A tenant (made through the admin API) and a user in it, with a minted bearer token. */
export async function createCrmUser(baseUrl: string, adminToken: string, name: string, tenantId?: string): Promise<CrmUser> {
  const tenant = tenantId ?? (await createTenantWithKey(baseUrl, adminToken, `${name} org`)).tenantId;
  const minted = await http(baseUrl, 'POST', `/admin/tenants/${tenant}/tokens`, { headers: { 'x-admin-token': adminToken }, json: { sub: `crm-${name}`, email: `${name}@crm.test` } });
  if (minted.status !== 201) throw new Error(`token: ${minted.status} ${minted.text}`);
  const headers = { authorization: `Bearer ${minted.body.accessToken}` };
  const me = await http(baseUrl, 'GET', '/users/me', { headers });
  if (me.status !== 200) throw new Error(`me: ${me.status} ${me.text}`);
  return { tenantId: tenant, userId: me.body.id, token: minted.body.accessToken, headers };
}

/** Connects a user's Google or Outlook account the way the OAuth flow would, making the emulated mailbox first. */
export async function connectAccount(app: NestExpressApplication, user: CrmUser, provider: 'google' | 'microsoft', email: string): Promise<ConnectionEntity> {
  if (provider === 'google') app.get(GoogleEmulator).createMailbox({ email, displayName: email, timeZone: 'Europe/Berlin' });
  else app.get(MicrosoftEmulator).createMailbox({ email, displayName: email, timeZone: 'Europe/Berlin', tenantId: SANDBOX_MICROSOFT_DIRECTORY.tenantId } as never);
  return connectOAuth({ app, config: app.get<AppConfig>(APP_CONFIG, { strict: false }) }, user.tenantId, user.userId, provider, email);
}

/** The connection's access as the sync uses it (for acting at the provider "as another client" in tests). */
export async function accessOf(app: INestApplication, connection: ConnectionEntity): Promise<CalendarAccess> {
  const fresh = await app.get(ConnectionsRepository).findById(connection.tenantId, connection.userId, connection.id);
  return app.get(ConnectionAccessService).accessFor(fresh as ConnectionEntity);
}
