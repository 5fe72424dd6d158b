import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserOwnedEntity } from './user-owned.entity';

/** Where a CRM event came from: made in the CRM (pushed out), or imported from a connection's calendar. */
export type CrmEventOrigin = 'crm' | 'provider';

/**
 * An event of the CRM's own calendar store (seed 001, /api/v1/crm/calendar/events), one user's.
 * It may be bound to one provider event: through a connection (`connectionId`) or through a
 * delegation credential acting for `mailbox` (the user's destination calendar, seed 003), in
 * `calendarId`, as `providerEventId`. `syncedHash` is the content hash both sides agreed on at
 * the last sync: the CRM side changed when its own hash differs, the provider side when the
 * provider's does. A CRM deletion of a bound event leaves a tombstone (`deletedAt`) until the
 * deletion reached the provider.
 */
@Entity('crm_events')
@Index('crm_events_user_range', ['tenantId', 'userId', 'startAt'])
@Index('crm_events_binding', ['tenantId', 'userId', 'connectionId', 'providerEventId'])
@Index('crm_events_occurrence', ['seriesId', 'originalStart'], { unique: true, where: 'series_id IS NOT NULL' })
export class CrmEventEntity extends UserOwnedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 1024 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  location: string | null;

  /** ISO 8601 as given (a date for all-day events, else a date-time with or without offset). */
  @Column({ name: 'start', type: 'varchar', length: 64 })
  start: string;

  @Column({ name: 'end', type: 'varchar', length: 64 })
  end: string;

  /** The instants of start and end (all-day: midnight UTC of the dates), for range queries. */
  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt: Date;

  /** IANA zone of the event. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone: string;

  @Column({ name: 'all_day', type: 'boolean', default: false })
  allDay: boolean;

  /** RRULE / EXDATE lines (RFC 5545), empty for a single event. */
  @Column({ type: 'jsonb', default: [] })
  recurrence: string[];

  @Column({ type: 'varchar', length: 16 })
  origin: CrmEventOrigin;

  /**
   * A modified occurrence (an exception) of the series `seriesId` (another row of the same user):
   * it replaces the series' occurrence that starts at `originalStart`. Goes with its series.
   */
  @Column({ name: 'series_id', type: 'uuid', nullable: true })
  seriesId: string | null;

  @ManyToOne(() => CrmEventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'series_id' })
  series?: CrmEventEntity;

  /** The occurrence's original start, as `start` is written (the series' zone; a date when all-day). */
  @Column({ name: 'original_start', type: 'varchar', length: 64, nullable: true })
  originalStart: string | null;

  /** Binding to a provider event: through the user's connection … */
  @Column({ name: 'connection_id', type: 'integer', nullable: true })
  connectionId: number | null;

  /** … or through a delegation credential acting for `mailbox`. */
  @Column({ name: 'delegation_credential_id', type: 'uuid', nullable: true })
  delegationCredentialId: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  mailbox: string | null;

  @Column({ name: 'calendar_id', type: 'text', nullable: true })
  calendarId: string | null;

  /** Null while a create is pending (recorded before the keyed write, completed after it). */
  @Column({ name: 'provider_event_id', type: 'text', nullable: true })
  providerEventId: string | null;

  /** The CRM content's hash at the last sync (null: never synced): the CRM side changed when it differs. */
  @Column({ name: 'synced_hash', type: 'varchar', length: 64, nullable: true })
  syncedHash: string | null;

  /**
   * The provider's version's hash at the last sync: the provider side changed when a listing
   * differs. Null right after our own write, until the listing shows how the provider restated it.
   */
  @Column({ name: 'provider_hash', type: 'varchar', length: 64, nullable: true })
  providerHash: string | null;

  /** The provider's etag of our last write or read, to recognise our own writes coming back. */
  @Column({ name: 'provider_etag', type: 'text', nullable: true })
  providerEtag: string | null;

  /** The provider's last modification (ISO instant) at the last sync. */
  @Column({ name: 'provider_updated_at', type: 'timestamptz', nullable: true })
  providerUpdatedAt: Date | null;

  /** The last modification in the CRM (API edits; a pull sets it to the provider's time). */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** A CRM deletion not yet pushed to the provider; hidden from the API. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
