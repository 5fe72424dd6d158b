import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DestinationCalendarEntity, DestinationIntegration } from '../entities/destination-calendar.entity';

export interface DestinationChoice {
  integration: DestinationIntegration;
  externalId: string;
  connectionId: number | null;
  delegationCredentialId: string | null;
  mailbox: string | null;
}

/** Each user's destination calendar (seed 003); tenant and user first. */
@Injectable()
export class DestinationCalendarsRepository {
  constructor(@InjectRepository(DestinationCalendarEntity) private readonly destinations: Repository<DestinationCalendarEntity>) {}

  find(tenantId: string, userId: number): Promise<DestinationCalendarEntity | null> {
    return this.destinations.findOneBy({ tenantId, userId });
  }

  /** One choice per user: a new PUT replaces the previous one. */
  async set(tenantId: string, userId: number, choice: DestinationChoice): Promise<DestinationCalendarEntity> {
    await this.destinations
      .createQueryBuilder()
      .insert()
      .into(DestinationCalendarEntity)
      .values({ tenantId, userId, ...choice })
      .orUpdate(['integration', 'external_id', 'connection_id', 'delegation_credential_id', 'mailbox', 'updated_at'], ['tenant_id', 'user_id'])
      .execute();
    const row = await this.find(tenantId, userId);
    if (!row) throw new Error('destination calendar vanished right after its upsert');
    return row;
  }

  async clear(tenantId: string, userId: number): Promise<void> {
    await this.destinations.delete({ tenantId, userId });
  }
}
