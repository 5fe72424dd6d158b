import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '../entities/user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * Runs on every bearer request, so it reads first and writes only on a miss or a changed
   * e-mail: an INSERT … ON CONFLICT per request would draw a sequence value each time and
   * exhaust the int4 ids. `email` undefined means "not known here": it never erases one.
   */
  async findOrCreateByExternalId(tenantId: string, externalId: string, email: string | undefined): Promise<UserEntity> {
    const user = (await this.users.findOneBy({ tenantId, externalId })) ?? (await this.createOnce(tenantId, externalId, email));
    if (email === undefined || user.email === email) return user;
    await this.users.update({ tenantId, id: user.id }, { email });
    return { ...user, email };
  }

  /** Concurrent first requests of one user: the unique index keeps one row, the others read it. */
  private async createOnce(tenantId: string, externalId: string, email: string | undefined): Promise<UserEntity> {
    await this.users
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ tenantId, externalId, email: email ?? null })
      .orIgnore()
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
