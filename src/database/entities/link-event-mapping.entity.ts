import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { LinkEntity } from './link.entity';

/**
 * One source event of a link and the copy it made: the idempotency record of the sync engine.
 * The content hash says whether the copy is current; the copy id is what update and delete
 * address. Rows go with their link.
 */
@Entity('link_event_mappings')
@Index(['tenantId', 'linkId'])
export class LinkEventMappingEntity {
  @PrimaryColumn({ name: 'link_id', type: 'uuid' })
  linkId: string;

  /** The source event's provider id (occurrences: the id the driver gives them). */
  @PrimaryColumn({ name: 'source_event_id', type: 'text' })
  sourceEventId: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => LinkEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'link_id' })
  link?: LinkEntity;

  /** Null while the create is in flight: a restart finds the copy by its deterministic key. */
  @Column({ name: 'copy_event_id', type: 'text', nullable: true })
  copyEventId: string | null;

  /** SHA-256 of the copy as written (policy applied), hex. */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash: string;

  /** For occurrences: the series' source id, so a series is deleted with its exceptions. */
  @Column({ name: 'series_source_id', type: 'text', nullable: true })
  seriesSourceId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
