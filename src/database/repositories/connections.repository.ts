import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, Repository } from 'typeorm';
import { ConnectionEntity, ConnectionPublicConfig, ConnectionSyncStatus } from '../entities/connection.entity';
import type { ProviderName } from '../../providers/provider-errors';

export interface NewConnection {
  userId: number;
  provider: ProviderName;
  accountEmail: string;
  publicConfig: ConnectionPublicConfig;
  secretSealed: string;
  calendarId: string;
}

/** A user's calendar connections (seed 001); every method takes the tenant and the user first. */
@Injectable()
export class ConnectionsRepository {
  constructor(@InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>) {}

  listForUser(tenantId: string, userId: number): Promise<ConnectionEntity[]> {
    return this.connections.find({ where: { tenantId, userId }, order: { id: 'ASC' } });
  }

  findForUser(tenantId: string, userId: number, provider: ProviderName): Promise<ConnectionEntity | null> {
    return this.connections.findOneBy({ tenantId, userId, provider });
  }

  findById(tenantId: string, userId: number, id: number): Promise<ConnectionEntity | null> {
    return this.connections.findOneBy({ tenantId, userId, id });
  }

  /**
   * Connects, or reconnects: a reconnect replaces the grant and the calendar, clears the last
   * error and the cursor (a new account or calendar starts with a full listing) and leaves the
   * row's id (cal.com's credentialId) unchanged.
   */
  async upsert(tenantId: string, input: NewConnection): Promise<ConnectionEntity> {
    await this.connections
      .createQueryBuilder()
      .insert()
      .into(ConnectionEntity)
      .values({ tenantId, ...input, lastSyncStatus: 'PENDING', lastSyncError: null, syncCursor: null })
      .orUpdate(['account_email', 'public_config', 'secret_sealed', 'calendar_id', 'last_sync_status', 'last_sync_error', 'sync_cursor', 'updated_at'], ['tenant_id', 'user_id', 'provider'])
      .execute();
    const row = await this.findForUser(tenantId, input.userId, input.provider);
    if (!row) throw new Error('connection vanished right after its upsert');
    return row;
  }

  /** Rotated or refreshed tokens. */
  async replaceSecret(tenantId: string, userId: number, id: number, secretSealed: string): Promise<void> {
    await this.connections.update({ tenantId, userId, id }, { secretSealed });
  }

  async setSyncState(
    tenantId: string,
    userId: number,
    id: number,
    state: { status: ConnectionSyncStatus; error?: string | null; at?: Date; cursor?: string | null },
  ): Promise<void> {
    await this.connections.update(
      { tenantId, userId, id },
      {
        lastSyncStatus: state.status,
        ...(state.error !== undefined ? { lastSyncError: state.error } : {}),
        ...(state.at !== undefined ? { lastSyncAt: state.at } : {}),
        ...(state.cursor !== undefined ? { syncCursor: state.cursor } : {}),
      },
    );
  }

  /**
   * The stale-sync cron's sweep, across tenants (like the Links sweep): connections never synced
   * or last synced before `staleBefore`, oldest first, not while one runs (index on last_sync_at).
   */
  async listStale(staleBefore: Date, limit: number): Promise<Array<Pick<ConnectionEntity, 'id' | 'tenantId' | 'userId'>>> {
    const rows = await this.connections.find({
      select: { id: true, tenantId: true, userId: true },
      where: [
        { lastSyncAt: IsNull(), lastSyncStatus: Not('IN_PROGRESS') },
        { lastSyncAt: LessThan(staleBefore), lastSyncStatus: Not('IN_PROGRESS') },
      ],
      order: { lastSyncAt: { direction: 'ASC', nulls: 'FIRST' } },
      take: limit,
    });
    return rows.map((row) => ({ id: row.id, tenantId: row.tenantId, userId: row.userId }));
  }

  /** True when a row was deleted. */
  async delete(tenantId: string, userId: number, id: number): Promise<boolean> {
    const result = await this.connections.delete({ tenantId, userId, id });
    return (result.affected ?? 0) > 0;
  }
}
