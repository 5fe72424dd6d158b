import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { ProvidersModule } from '../providers/providers.module';
import { CalendarsController, DestinationCalendarsController } from './destination-calendars.controller';
import { DestinationCalendarsService } from './destination-calendars.service';

/**
 * DestinationCalendars (seed 003, cal.com API v2 under `/v2`): list the calendars a user can reach
 * and choose the one new CRM events are written to. Exports DestinationCalendarsService
 * (`writeTarget`) for the CRM event store.
 */
@Module({
  imports: [ConnectionsModule, ProvidersModule],
  controllers: [CalendarsController, DestinationCalendarsController],
  providers: [DestinationCalendarsService],
  exports: [DestinationCalendarsService],
})
export class DestinationCalendarsModule {}
