import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyView, UserView, WhoAmIView } from './dto/admin-responses.dto';
import { ApiKeyGuard, ApiKeyHeaders } from './guards/api-key.guard';
import { BearerAuthGuard } from './guards/bearer-auth.guard';
import { CurrentPrincipal, Principal } from './principal';
import { TenancyService } from './tenancy.service';
import { toApiKeyView, toDomainView, toTenantView, toUserView } from './tenancy.views';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';

/** What an organisation's own API key can see about the organisation. */
@ApiTags('Tenant')
@ApiSecurity('cb_key')
@ApiSecurity('x-api-key')
@ApiKeyHeaders('cb_key', 'x-api-key')
@ApiSurface('default', [401, 403, 503])
@UseGuards(ApiKeyGuard)
@ApiForbiddenResponse({ description: 'A user-scoped (`cal_`) key: these routes take an organisation key.' })
@Controller('tenant')
export class TenantController {
  constructor(private readonly tenancy: TenancyService) {}

  @Get()
  @ApiOperation({ summary: 'The organisation this key belongs to, with its authorized domains' })
  @ApiOkResponse({ type: WhoAmIView })
  async whoAmI(@CurrentPrincipal() principal: Principal): Promise<WhoAmIView> {
    const [tenant, domains] = await Promise.all([
      this.tenancy.requireTenant(principal.tenantId),
      this.tenancy.listDomains(principal.tenantId),
    ]);
    return { tenant: toTenantView(tenant), domains: domains.map(toDomainView) };
  }

  @Get('api-keys')
  @ApiOperation({ summary: "List the organisation's API keys (prefixes only)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  async listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return (await this.tenancy.listApiKeys(principal.tenantId)).map(toApiKeyView);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke one of the organisation's keys" })
  @ApiNoContentResponse()
  @ApiSurfaceErrors('default', [404])
  async revokeKey(@CurrentPrincipal() principal: Principal, @Param('keyId', new ParseUUIDPipe()) keyId: string): Promise<void> {
    await this.tenancy.revokeApiKey(principal.tenantId, keyId);
  }
}

@ApiTags('Tenant')
@ApiBearerAuth('bearer')
@ApiSurface('default', [401, 403, 503])
@UseGuards(BearerAuthGuard)
@ApiForbiddenResponse({ description: 'An organisation key: these routes take a user JWT or a `cal_` user key.' })
@Controller('users')
export class UsersController {
  constructor(private readonly tenancy: TenancyService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user (created on first sight of a valid token)' })
  @ApiOkResponse({ type: UserView })
  @ApiSurfaceErrors('default', { 404: 'The token names a user this organisation does not have.' })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    const user = principal.userId ? await this.tenancy.findUser(principal.tenantId, principal.userId) : null;
    if (!user) throw new DomainException(ErrorCode.NotFound, 'User not found', 404);
    return toUserView(user);
  }
}
