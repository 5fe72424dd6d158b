import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { BearerAuthGuard } from '../tenancy/guards/bearer-auth.guard';
import { CurrentPrincipal, Principal } from '../tenancy/principal';
import { requireUser } from './crm-principal';
import { CrmEventsService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './crm-events.service';
import { CRM_EVENT_EXAMPLE, CrmEventInputDto, CrmEventPageView, CrmEventPatchDto, CrmEventView } from './dto/crm-events.dto';

/** The CRM's own event store (seed 001 / SPEC 4.2): what two-way sync keeps in step with the connected calendars. */
@ApiTags('Calendar Connections')
@ApiBearerAuth('bearer')
@ApiSurface('crm', { 401: 'Missing, invalid or expired bearer token.', 403: 'The token is not a user token.' })
@UseGuards(BearerAuthGuard)
@Controller('api/v1/crm/calendar/events')
export class CrmEventsController {
  constructor(private readonly events: CrmEventsService) {}

  @Get()
  @ApiOperation({
    summary: "The user's CRM events, by start time, a page at a time",
    description:
      'Events overlapping [`from`, `to`) (a series is listed when its first occurrence starts before `to`), ordered by start then id. ' +
      `Keyset paging: \`limit\` (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}) and the opaque \`cursor\` from the previous page's \`nextCursor\`.`,
  })
  @ApiQuery({ name: 'from', required: false, example: '2026-03-01T00:00:00Z', description: 'ISO 8601 date or instant with offset.' })
  @ApiQuery({ name: 'to', required: false, example: '2026-04-01T00:00:00Z', description: 'ISO 8601 date or instant with offset; after `from`.' })
  @ApiQuery({ name: 'limit', required: false, type: Number, example: 100, description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.` })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page.' })
  @ApiOkResponse({ type: CrmEventPageView })
  @ApiSurfaceErrors('crm', { 400: 'Validation failed: `detail` names the query parameter (from, to, limit, cursor).' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<CrmEventPageView> {
    return this.events.list(principal.tenantId, requireUser(principal), { from, to, limit, cursor });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One CRM event' })
  @ApiOkResponse({ type: CrmEventView })
  @ApiSurfaceErrors('crm', { 404: 'No such event of this user (another user\'s event is not found either).' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<CrmEventView> {
    return this.events.get(principal.tenantId, requireUser(principal), id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a CRM event', description: "Pushed by the next sync to the user's destination calendar, else to the connected provider's primary calendar." })
  @ApiBody({ type: CrmEventInputDto, examples: { weekly: { value: CRM_EVENT_EXAMPLE } } })
  @ApiCreatedResponse({ type: CrmEventView })
  @ApiSurfaceErrors('crm', { 400: 'Validation failed: `detail` names each field (size limits, ISO 8601 times, IANA zone, all-day dates, RRULE/EXDATE lines, end after start).' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CrmEventView> {
    return this.events.create(principal.tenantId, requireUser(principal), body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a CRM event (the fields sent)', description: 'The result is checked as a whole; pushed by the next sync.' })
  @ApiBody({ type: CrmEventPatchDto, examples: { retitle: { value: { title: 'Pipeline review (moved)', start: '2026-03-02T10:00:00', end: '2026-03-02T10:30:00' } } } })
  @ApiOkResponse({ type: CrmEventView })
  @ApiSurfaceErrors('crm', { 400: 'Validation failed: `detail` names each field.', 404: 'No such event of this user.' })
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<CrmEventView> {
    return this.events.update(principal.tenantId, requireUser(principal), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a CRM event', description: 'Gone from the API at once; the next sync deletes it at the provider.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiSurfaceErrors('crm', { 404: 'No such event of this user.' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.events.remove(principal.tenantId, requireUser(principal), id);
  }
}
