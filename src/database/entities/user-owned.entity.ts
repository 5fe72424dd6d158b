import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { TenantOwnedEntity } from './tenant-owned.entity';
import { UserEntity } from './user.entity';

/** Rows that belong to one user of a tenant (connections, CRM events, the destination choice): they go with the user. */
export abstract class UserOwnedEntity extends TenantOwnedEntity {
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
}
