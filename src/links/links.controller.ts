import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import { ApiKeyGuard, ApiKeyHeaders } from '../tenancy/guards/api-key.guard';
import { CurrentPrincipal, Principal } from '../tenancy/principal';
import { LinkQueuedView, LinkRequestDto, LinkView, SEED_ADD_EXAMPLE, SEED_DELETE_EXAMPLE } from './dto/links.dto';
import { LinksService } from './links.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Managed syncs between mailboxes of authorized domains (CalendarBridge Manage API, seed 000). */
@ApiTags('Links')
@ApiSecurity('cb_key')
@ApiKeyHeaders('cb_key')
@ApiSurface('links', {
  401: 'Missing, invalid or revoked `cb_key`.',
  403: 'A user-scoped (`cal_`) key: this API takes an organisation key.',
  422: 'Validation failed: a body field, or a path parameter that cannot be decoded (the Links API answers every validation failure with 422).',
  503: 'The key could not be checked (database unavailable): retry later.',
})
@UseGuards(ApiKeyGuard)
@Controller('links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create (`add`) or delete (`delete`) a managed sync',
    description:
      "Syncs the primary calendar of `sourceEmail` into the primary calendar of `destinationEmail`. The work is queued: a tenant's " +
      'syncs run one at a time, in order. Any body is read as JSON whatever its Content-Type (the seed\'s curl sends none).',
  })
  @ApiBody({ type: LinkRequestDto, examples: { add: { value: SEED_ADD_EXAMPLE }, delete: { value: SEED_DELETE_EXAMPLE } } })
  @ApiOkResponse({ type: LinkQueuedView, description: '"added to queue": the sync (or its deletion) is queued.' })
  @ApiSurfaceErrors('links', {
    400: '"Sync already exists" (also while still queued), or a body that is not JSON.',
    403: 'A source or destination domain the organisation has not authorized, or a user-scoped (`cal_`) key.',
    404: '`delete`: "Sync not found".',
    422: 'Validation failed: `errors` names each field (missing or unknown property, bad e-mail, unknown time zone, unknown policy token).',
  })
  async handle(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<LinkQueuedView> {
    return this.links.handle(principal.tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "The organisation's syncs with their status, last sync, counts and last error" })
  @ApiOkResponse({ type: [LinkView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<LinkView[]> {
    return this.links.list(principal.tenantId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One sync' })
  @ApiOkResponse({ type: LinkView })
  @ApiSurfaceErrors('links', { 404: '"Sync not found" (or not this organisation\'s).' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<LinkView> {
    return this.links.get(principal.tenantId, requireUuid(id));
  }

  @Post(':id/resync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a full re-scan of the source calendar' })
  @ApiOkResponse({ type: LinkQueuedView })
  @ApiSurfaceErrors('links', { 404: '"Sync not found" (or not this organisation\'s).', 409: 'The sync is being deleted.' })
  async resync(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<LinkQueuedView> {
    return this.links.resync(principal.tenantId, requireUuid(id));
  }
}

/** An id that is not a UUID names no sync: 404, not a database error. */
function requireUuid(id: string): string {
  if (!UUID.test(id)) throw new DomainException(ErrorCode.NotFound, 'Sync not found', 404);
  return id;
}
