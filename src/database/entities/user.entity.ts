import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwnedEntity } from './tenant-owned.entity';

/**
 * A person in an organisation, known by the identity provider's `sub`. Integer ids because
 * the cal.com contract returns `userId` as a number.
 */
@Entity('users')
@Index(['tenantId', 'externalId'], { unique: true })
export class UserEntity extends TenantOwnedEntity {
  @PrimaryGeneratedColumn('increment')
  id: number;

  @Column({ name: 'external_id', type: 'varchar', length: 255 })
  externalId: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;
}
