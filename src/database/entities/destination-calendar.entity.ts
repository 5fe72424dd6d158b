import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ConnectionEntity } from './connection.entity';
import { DelegationCredentialEntity } from './delegation-credential.entity';
import { UserOwnedEntity } from './user-owned.entity';

/** cal.com's integration names (seed 003). */
export const DESTINATION_INTEGRATIONS = ['google_calendar', 'office365_calendar', 'apple_calendar'] as const;
export type DestinationIntegration = (typeof DESTINATION_INTEGRATIONS)[number];

/**
 * A user's choice of the calendar that receives new CRM events (seed 003, cal.com v2). The
 * calendar is reached either through one of the user's connections (`connectionId`, cal.com's
 * credentialId) or through a delegation credential of the user's organisation
 * (`delegationCredentialId`, acting for `mailbox`). One per user; it goes with the connection or
 * the credential it depends on.
 */
@Entity('destination_calendars')
@Index(['tenantId', 'userId'], { unique: true })
export class DestinationCalendarEntity extends UserOwnedEntity {
  @PrimaryGeneratedColumn('increment')
  id: number;

  @Column({ type: 'varchar', length: 32 })
  integration: DestinationIntegration;

  /** Provider calendar id (CalDAV: the collection URL). */
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ name: 'connection_id', type: 'integer', nullable: true })
  connectionId: number | null;

  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  @Column({ name: 'delegation_credential_id', type: 'uuid', nullable: true })
  delegationCredentialId: string | null;

  @ManyToOne(() => DelegationCredentialEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delegation_credential_id' })
  delegationCredential?: DelegationCredentialEntity;

  /** The mailbox acted for through the delegation credential (the user's e-mail); null for connections. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  mailbox: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
