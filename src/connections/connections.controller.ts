import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { BearerAuthGuard } from '../tenancy/guards/bearer-auth.guard';
import { CurrentPrincipal, Principal } from '../tenancy/principal';
import { CONNECTION_LIMITS, CRM_PROVIDERS, parseAppleCredentials, parseCallbackQuery, parseCrmProvider, parseOAuthProvider } from './connections-request.validator';
import { ConnectionsService } from './connections.service';
import { AppleCredentialsDto, AuthorizeUrlView, ConnectionStatusView, STATUS_EXAMPLE } from './dto/connections.dto';

const OAUTH_PROVIDER_PARAM = {
  name: 'provider',
  description: '`google` or `outlook`, any case.',
  schema: { type: 'string', enum: ['google', 'outlook'], maxLength: CONNECTION_LIMITS.providerPath },
} as const;

/** A user's own calendars for the CRM SPA (seed 001): connect, status, disconnect. */
@ApiTags('Calendar Connections')
@ApiBearerAuth()
@ApiSurface('crm', {
  401: 'Missing, invalid or expired bearer token.',
  403: 'An organisation API key: these routes act for a user.',
  503: 'The credentials could not be checked (database unavailable), or the provider is unreachable: retry later.',
})
@UseGuards(BearerAuthGuard)
@Controller('api/v1/crm/calendar/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get('status')
  @ApiOperation({ summary: 'Get connection statuses', description: 'One entry per provider, always in the order GOOGLE, OUTLOOK, APPLE; a provider the user has not connected says `connected: false` with nulls.' })
  @ApiOkResponse({ type: [ConnectionStatusView], content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ConnectionStatusView' } }, example: STATUS_EXAMPLE } } })
  async status(@CurrentPrincipal() principal: Principal): Promise<ConnectionStatusView[]> {
    return this.connections.status(principal);
  }

  @Get(':provider/authorize')
  @ApiOperation({
    summary: 'Get the Google or Outlook OAuth authorization URL',
    description:
      'A single-use `state` bound to this user and provider (valid 10 minutes) and a PKCE S256 challenge are in the URL. ' +
      "Send the browser there; the provider sends it back to the SPA's callback route (CONNECTIONS_REDIRECT_URI) with `code` and `state`.",
  })
  @ApiParam(OAUTH_PROVIDER_PARAM)
  @ApiOkResponse({ type: AuthorizeUrlView })
  @ApiSurfaceErrors('crm', { 404: 'Not `google` or `outlook` (Apple connects with POST /apple/credentials), or that provider is not configured.' })
  async authorize(@CurrentPrincipal() principal: Principal, @Param('provider') provider: string): Promise<AuthorizeUrlView> {
    return this.connections.authorize(principal, parseOAuthProvider(provider));
  }

  @Get(':provider/callback')
  @ApiOperation({
    summary: 'Handle the Google or Outlook OAuth callback',
    description:
      "Called by the SPA, with the user's bearer token, with the `code` and `state` the provider put on the SPA's callback route. " +
      "Exchanges the code (PKCE), stores the sealed tokens and the account's primary calendar, queues the first sync, and answers the provider's status entry.",
  })
  @ApiParam(OAUTH_PROVIDER_PARAM)
  @ApiQuery({ name: 'code', required: true, schema: { type: 'string', maxLength: CONNECTION_LIMITS.code }, example: '4/0AbCD…' })
  @ApiQuery({ name: 'state', required: true, schema: { type: 'string', maxLength: CONNECTION_LIMITS.state }, example: 'Yb3rW0a8m5n0sQ…' })
  @ApiOkResponse({ type: ConnectionStatusView, description: 'Connected: the status entry of the provider (seed: empty body; a client may ignore it).' })
  @ApiSurfaceErrors('crm', {
    400: 'Missing `code` or `state`; a state that is unknown, already used, expired, issued to another user or for the other provider; or the provider refused the code (PKCE check failed, expired code, consent without calendar access).',
    404: 'Not `google` or `outlook`, or that provider is not configured.',
  })
  async callback(@CurrentPrincipal() principal: Principal, @Param('provider') provider: string, @Query() query: Record<string, unknown>): Promise<ConnectionStatusView> {
    const name = parseOAuthProvider(provider);
    const { code, state } = parseCallbackQuery(query);
    return this.connections.callback(principal, name, code, state);
  }

  @Post('apple/credentials')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Connect Apple (iCloud) or another CalDAV server with an app-specific password',
    description: 'Logs in to the CalDAV server first (discovery and the calendar list); only working credentials are stored, sealed. The first writable calendar becomes the connection calendar.',
  })
  @ApiBody({ type: AppleCredentialsDto, examples: { icloud: { value: { username: 'ann@icloud.com', password: 'abcd-efgh-ijkl-mnop' } }, other: { value: { username: 'ann', password: 'app-password', serverUrl: 'https://dav.example.com/' } } } })
  @ApiOkResponse({ type: ConnectionStatusView, description: 'Connected: the APPLE status entry; `calendarId` is the CalDAV collection URL.' })
  @ApiSurfaceErrors('crm', {
    400: 'A missing, oversized or unknown field, a serverUrl that is not http(s), a body that is not a JSON object, wrong username or password, no calendar on the server, or a server that cannot be reached (within CONNECTIONS_CHECK_TIMEOUT_MS).',
  })
  async appleCredentials(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ConnectionStatusView> {
    return this.connections.connectApple(principal, parseAppleCredentials(body));
  }

  @Delete(':provider/disconnect')
  @ApiOperation({
    summary: 'Disconnect a calendar provider',
    description: 'Revokes the grant at the provider (best effort: an outage does not fail it), deletes the events imported from it and the stored tokens. Empty 200 answer.',
  })
  @ApiParam({ name: 'provider', description: '`GOOGLE`, `OUTLOOK` or `APPLE`, any case.', schema: { type: 'string', enum: [...CRM_PROVIDERS], maxLength: CONNECTION_LIMITS.providerPath } })
  @ApiOkResponse({ description: 'Disconnected (empty body).' })
  @ApiSurfaceErrors('crm', { 404: 'Not GOOGLE, OUTLOOK or APPLE, or that provider is not connected for this user.' })
  async disconnect(@CurrentPrincipal() principal: Principal, @Param('provider') provider: string): Promise<void> {
    await this.connections.disconnect(principal, parseCrmProvider(provider));
  }
}
