import { Column, CreateDateColumn, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/** Columns every tenant-owned row has: the owning tenant (rows go with it) and a creation time. */
export abstract class TenantOwnedEntity {
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
