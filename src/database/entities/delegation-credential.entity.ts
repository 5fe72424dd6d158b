import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ProviderKind } from './provider-kind';
import { TenantOwnedEntity } from './tenant-owned.entity';

/**
 * Organisation-level provider access (Google domain-wide delegation, Microsoft app-only,
 * CalDAV admin). The non-secret half is readable; the secret half is sealed.
 */
@Entity('delegation_credentials')
@Index(['tenantId'])
export class DelegationCredentialEntity extends TenantOwnedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

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
}
