import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Creates the user on first sight, keeps the e-mail current afterwards; one statement, race-free. */
  async upsertByExternalId(tenantId: string, externalId: string, email: string | null): Promise<UserEntity> {
    await this.users
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ tenantId, externalId, email })
      .orUpdate(['email'], ['tenant_id', 'external_id'])
      .execute();
    return this.users.findOneByOrFail({ tenantId, externalId });
  }

  findById(tenantId: string, id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ tenantId, id });
  }

  list(tenantId: string): Promise<UserEntity[]> {
    return this.users.find({ where: { tenantId }, order: { id: 'ASC' } });
  }
}
