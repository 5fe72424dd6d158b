import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { BearerAuthGuard } from '../tenancy/guards/bearer-auth.guard';
import { CurrentPrincipal, Principal } from '../tenancy/principal';
import { ConnectionSyncService } from './connection-sync.service';
import { requireUser } from './crm-principal';
import { parseCrmProvider } from './connections-request.validator';
import { CRM_PROVIDERS, crmProviderOf } from './crm-provider-names';
import { ConnectionSyncResultView } from './dto/crm-events.dto';

/** The two-way sync routes of Calendar Connections (seed 001). */
@ApiTags('Calendar Connections')
@ApiBearerAuth('bearer')
@ApiSurface('crm', { 401: 'Missing, invalid or expired bearer token.', 403: 'The token is not a user token.' })
@UseGuards(BearerAuthGuard)
@Controller('api/v1/crm/calendar/connections')
export class ConnectionSyncController {
  constructor(private readonly sync: ConnectionSyncService) {}

  @Post('sync-if-stale')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sync all connected providers if last sync was more than 5 minutes ago',
    description: 'Runs a two-way sync, one after the other, of each connection never synced or last synced over 5 minutes ago; `[]` when none is stale. A failed sync is in the list with `success: false`.',
  })
  @ApiOkResponse({ type: [ConnectionSyncResultView] })
  syncIfStale(@CurrentPrincipal() principal: Principal): Promise<ConnectionSyncResultView[]> {
    return this.sync.syncIfStale(principal.tenantId, requireUser(principal));
  }

  @Post(':provider/sync')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Trigger manual sync',
    description:
      "Runs a two-way sync now and answers with its counts: created/updated/deleted are the provider's changes applied to the CRM store, " +
      'pushed the CRM changes written to the provider. The tenant\'s syncs run one at a time: a request made while another sync runs waits for it. ' +
      'A provider failure (a revoked grant…) answers 200 with `success: false` and the readable `error`, also stored as the connection\'s lastSyncError.',
  })
  @ApiParam({ name: 'provider', enum: CRM_PROVIDERS, description: 'Case-insensitive.' })
  @ApiOkResponse({ type: ConnectionSyncResultView })
  @ApiSurfaceErrors('crm', { 404: 'Not GOOGLE, OUTLOOK or APPLE, or that provider is not connected for this user.' })
  syncNow(@CurrentPrincipal() principal: Principal, @Param('provider') provider: string): Promise<ConnectionSyncResultView> {
    return this.sync.syncNow(principal.tenantId, requireUser(principal), crmProviderOf(parseCrmProvider(provider)));
  }
}
