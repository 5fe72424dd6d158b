import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DelegationCredentialEntity } from './delegation-credential.entity';
import { ProviderKind } from './provider-kind';
import { TenantOwnedEntity } from './tenant-owned.entity';

/** A mail domain an organisation has authorized, reached through one delegation credential. */
@Entity('domains')
@Index(['tenantId'])
@Index(['domain'], { unique: true })
export class DomainEntity extends TenantOwnedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased; one domain belongs to one organisation only. */
  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ type: 'varchar', length: 16 })
  provider: ProviderKind;

  @Column({ name: 'delegation_credential_id', type: 'uuid' })
  delegationCredentialId: string;

  @ManyToOne(() => DelegationCredentialEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'delegation_credential_id' })
  delegationCredential?: DelegationCredentialEntity;
}
