import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ProviderName } from '../../providers/provider-errors';
import { UserOwnedEntity } from './user-owned.entity';

/** The seed's lastSyncStatus values (seed 001, GET /status). */
export const CONNECTION_SYNC_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED'] as const;
export type ConnectionSyncStatus = (typeof CONNECTION_SYNC_STATUSES)[number];

/** What is sealed in `secret_sealed`: a user's OAuth grant, or a CalDAV app-specific password. */
export type ConnectionSecret =
  | { kind: 'oauth'; refreshToken: string; accessToken?: string; accessTokenExpiresAt?: number }
  | { kind: 'caldav'; password: string };

/** Readable, non-secret details of a connection. */
export interface ConnectionPublicConfig {
  /** CalDAV: the server (default iCloud) and the login. */
  serverUrl?: string;
  username?: string;
  /** OAuth: the scopes the user granted. */
  scopes?: string[];
}

/**
 * A user's own calendar account (Connections, seed 001): Google or Outlook by OAuth, Apple or
 * any CalDAV server by app-specific password. One per user and provider. The integer id is
 * cal.com's `credentialId` (seed 003), hence not a uuid.
 */
@Entity('connections')
@Index(['tenantId', 'userId', 'provider'], { unique: true })
@Index('connections_last_sync_at', ['lastSyncAt'])
export class ConnectionEntity extends UserOwnedEntity {
  @PrimaryGeneratedColumn('increment')
  id: number;

  @Column({ type: 'varchar', length: 16 })
  provider: ProviderName;

  /** The provider account's e-mail (CalDAV: the login). */
  @Column({ name: 'account_email', type: 'varchar', length: 320 })
  accountEmail: string;

  @Column({ name: 'public_config', type: 'jsonb', default: {} })
  publicConfig: ConnectionPublicConfig;

  /** AES-256-GCM sealed ConnectionSecret JSON; never logged, never returned. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  /** The account's primary calendar (CalDAV: the collection URL), the one two-way sync covers. */
  @Column({ name: 'calendar_id', type: 'text' })
  calendarId: string;

  /** The provider's incremental cursor for calendarId; null forces a full listing. */
  @Column({ name: 'sync_cursor', type: 'text', nullable: true })
  syncCursor: string | null;

  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt: Date | null;

  @Column({ name: 'last_sync_status', type: 'varchar', length: 16, default: 'PENDING' })
  lastSyncStatus: ConnectionSyncStatus;

  @Column({ name: 'last_sync_error', type: 'text', nullable: true })
  lastSyncError: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
