import { Body, Controller, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { BearerAuthGuard } from '../tenancy/guards/bearer-auth.guard';
import { CurrentPrincipal, Principal } from '../tenancy/principal';
import { DestinationCalendarsService } from './destination-calendars.service';
import {
  ConnectedCalendarsOutputDto,
  CurrentDestinationOutputDto,
  DELEGATION_EXAMPLE,
  DestinationCalendarsInputDto,
  DestinationCalendarsOutputDto,
  SEED_EXAMPLE,
} from './dto/destination-calendars.dto';

const CALCOM_AUTH_ERRORS = {
  401: 'Missing, invalid or expired bearer token (a user JWT or a `cal_` user API key).',
  403: 'An organisation key: these routes take a user JWT or a `cal_` user key.',
  503: 'The credential could not be checked (database unavailable), or a calendar provider is temporarily unavailable: retry later.',
} as const;

/** The user id behind a user credential (BearerAuthGuard admits no other). */
function userOf(principal: Principal): number {
  if (principal.userId === undefined) throw new Error('BearerAuthGuard let a principal without a user through');
  return principal.userId;
}

@ApiTags('Calendars')
@ApiBearerAuth('bearer')
@ApiSurface('calcom', CALCOM_AUTH_ERRORS)
@UseGuards(BearerAuthGuard)
@Controller('v2/calendars')
export class CalendarsController {
  constructor(private readonly destinations: DestinationCalendarsService) {}

  @Get()
  @ApiOperation({
    summary: "The user's connected calendars and destination calendar",
    description:
      "One entry per source, as cal.com's `connectedCalendars`: each of the user's own connections (`credentialId`), and the user's own mailbox " +
      "through the organisation's delegation credential when the user's e-mail domain is one the organisation authorized (`delegationCredentialId`). " +
      'Each calendar carries the `integration`, `externalId` (and `delegationCredentialId`) that `PUT /v2/destination-calendars` takes. ' +
      'A source the provider cannot list is reported in its own `error` (with no calendars) and does not fail the request.',
  })
  @ApiOkResponse({ type: ConnectedCalendarsOutputDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<ConnectedCalendarsOutputDto> {
    return { status: 'success', data: await this.destinations.listCalendars(principal.tenantId, userOf(principal)) };
  }
}

@ApiTags('Destination Calendars')
@ApiBearerAuth('bearer')
@ApiSurface('calcom', CALCOM_AUTH_ERRORS)
@UseGuards(BearerAuthGuard)
@Controller('v2/destination-calendars')
export class DestinationCalendarsController {
  constructor(private readonly destinations: DestinationCalendarsService) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Update destination calendars',
    description:
      'Chooses the calendar new CRM events are written to. It must be a writable calendar of the user, as `GET /v2/calendars` lists it: through ' +
      "the user's own connection of that integration, or, with `delegationCredentialId`, through that delegation credential of the user's " +
      "organisation for the user's own mailbox. `credentialId` in the answer is the connection's id, null through a delegation credential. " +
      'CalDAV collection URLs match with or without their trailing slash; the answer gives the URL as the server lists it.',
  })
  @ApiBody({
    type: DestinationCalendarsInputDto,
    examples: {
      seed: { summary: 'The seed example (an Apple/CalDAV collection of the user’s own connection)', value: SEED_EXAMPLE },
      delegation: { summary: "A Google calendar through the organisation's delegation credential", value: DELEGATION_EXAMPLE },
    },
  })
  @ApiOkResponse({ type: DestinationCalendarsOutputDto })
  @ApiSurfaceErrors('calcom', {
    400: 'A body that is not a JSON object, an unknown field, an integration other than apple_calendar, google_calendar and office365_calendar, or a missing or over-long externalId.',
    404: '"Could not find calendar {externalId}": not a writable calendar of the user through that integration or delegation credential (read-only calendars included, as cal.com does).',
  })
  async choose(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<DestinationCalendarsOutputDto> {
    return { status: 'success', data: await this.destinations.choose(principal.tenantId, userOf(principal), body) };
  }

  @Get()
  @ApiOperation({
    summary: 'The current destination calendar',
    description: 'Not in cal.com (which shows it in `GET /v2/calendars`): the same fields as the PUT answer plus `delegationCredentialId`; `data` is null while none is chosen.',
  })
  @ApiOkResponse({ type: CurrentDestinationOutputDto })
  async current(@CurrentPrincipal() principal: Principal): Promise<CurrentDestinationOutputDto> {
    return { status: 'success', data: await this.destinations.current(principal.tenantId, userOf(principal)) };
  }
}
