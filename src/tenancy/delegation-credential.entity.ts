import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ProviderKind } from './provider-kind';
import { TenantEntity } from './tenant.entity';

/**
 * Organisation-level provider access (Google domain-wide delegation, Microsoft app-only,
 * CalDAV admin). The non-secret half is readable; the secret half is sealed.
 */
@Entity('delegation_credentials')
@Index(['tenantId'])
export class DelegationCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 16 })
  provider: ProviderKind;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Service-account e-mail, Microsoft tenant/client id, CalDAV server URL and username… */
  @Column({ name: 'public_config', type: 'jsonb' })
  publicConfig: Record<string, string>;

  /** AES-256-GCM sealed JSON: private key, client secret or password. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
