import { Module } from '@nestjs/common';
import { IcsController } from './ics.controller';
import { IcsService } from './ics.service';

/** Create Calendar API V2 (`/ics`): an event in, an RFC 5545 calendar file out. Stateless. */
@Module({
  controllers: [IcsController],
  providers: [IcsService],
})
export class IcsModule {}
