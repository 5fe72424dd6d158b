import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ProviderKind } from './provider-kind';
import { TenantOwnedEntity } from './tenant-owned.entity';

export const LINK_STATUSES = ['queued', 'syncing', 'active', 'failed', 'deleting'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

/**
 * A managed one-way sync (seed 000, `POST /links`) from a source mailbox's primary calendar to a
 * destination mailbox's, both in domains the organisation authorized.
 */
@Entity('links')
@Index(['tenantId', 'sourceEmail', 'destinationEmail'], { unique: true })
// The stale-sync cron selects active links by last sync time; partial so it stays small at 100k links.
@Index('IDX_links_stale', ['lastSyncAt'], { where: `"status" = 'active'` })
export class LinkEntity extends TenantOwnedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased. */
  @Column({ name: 'source_email', type: 'varchar', length: 320 })
  sourceEmail: string;

  @Column({ name: 'source_type', type: 'varchar', length: 16 })
  sourceType: ProviderKind;

  @Column({ name: 'source_tz', type: 'varchar', length: 64 })
  sourceTz: string;

  @Column({ name: 'destination_email', type: 'varchar', length: 320 })
  destinationEmail: string;

  @Column({ name: 'destination_type', type: 'varchar', length: 16 })
  destinationType: ProviderKind;

  @Column({ name: 'destination_tz', type: 'varchar', length: 64 })
  destinationTz: string;

  /** Normalised policy string as accepted (lower-case tokens joined by `|`). */
  @Column({ type: 'varchar', length: 200 })
  policy: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  tag: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: LinkStatus;

  /** Calendars resolved at the first sync (the primary calendars of the two mailboxes). */
  @Column({ name: 'source_calendar_id', type: 'text', nullable: true })
  sourceCalendarId: string | null;

  @Column({ name: 'destination_calendar_id', type: 'text', nullable: true })
  destinationCalendarId: string | null;

  /** The source provider's incremental cursor; null forces a full scan. */
  @Column({ name: 'sync_cursor', type: 'text', nullable: true })
  syncCursor: string | null;

  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Consecutive failures, for back-off of the stale-sync cron. */
  @Column({ name: 'failure_count', type: 'integer', default: 0 })
  failureCount: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'events_created', type: 'integer', default: 0 })
  eventsCreated: number;

  @Column({ name: 'events_updated', type: 'integer', default: 0 })
  eventsUpdated: number;

  @Column({ name: 'events_deleted', type: 'integer', default: 0 })
  eventsDeleted: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
