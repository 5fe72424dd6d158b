import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ApiKeyView,
  DelegationCredentialView,
  DomainView,
  IssuedApiKeyView,
  MintedTokenView,
  TenantView,
  UserView,
} from './dto/admin-responses.dto';
import {
  CreateApiKeyDto,
  CreateDelegationCredentialDto,
  CreateDomainDto,
  CreateTenantDto,
  CreateUserDto,
  MintTokenDto,
} from './dto/admin.dto';
import { ApiSurface, ApiSurfaceErrors } from '../common/http/api-surface-errors';
import { AdminTokenGuard } from './guards/admin-token.guard';
import { TenancyService } from './tenancy.service';
import { toApiKeyView, toCredentialView, toDomainView, toTenantView, toUserView } from './tenancy.views';

const TenantId = () => Param('tenantId', new ParseUUIDPipe({ version: '4' }));

@ApiTags('Admin')
@ApiSecurity('admin-token')
@ApiSurface('default', [401])
@UseGuards(AdminTokenGuard)
@Controller('admin/tenants')
export class AdminController {
  constructor(private readonly tenancy: TenancyService) {}

  @Post()
  @ApiOperation({ summary: 'Create an organisation (tenant)' })
  @ApiCreatedResponse({ type: TenantView })
  async createTenant(@Body() dto: CreateTenantDto): Promise<TenantView> {
    return toTenantView(await this.tenancy.createTenant(dto.name));
  }

  @Get()
  @ApiOperation({ summary: 'List organisations' })
  @ApiOkResponse({ type: [TenantView] })
  async listTenants(): Promise<TenantView[]> {
    return (await this.tenancy.listTenants()).map(toTenantView);
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'Get one organisation' })
  @ApiOkResponse({ type: TenantView })
  @ApiSurfaceErrors('default', [404])
  async getTenant(@TenantId() tenantId: string): Promise<TenantView> {
    return toTenantView(await this.tenancy.requireTenant(tenantId));
  }

  @Post(':tenantId/delegation-credentials')
  @ApiOperation({ summary: 'Store a delegation credential (Google DWD, Microsoft app-only, CalDAV admin); secrets are encrypted' })
  @ApiCreatedResponse({ type: DelegationCredentialView })
  @ApiSurfaceErrors('default', [404])
  async createCredential(@TenantId() tenantId: string, @Body() dto: CreateDelegationCredentialDto): Promise<DelegationCredentialView> {
    return toCredentialView(await this.tenancy.createDelegationCredential(tenantId, dto));
  }

  @Get(':tenantId/delegation-credentials')
  @ApiOperation({ summary: "List the organisation's delegation credentials (secrets are never returned)" })
  @ApiOkResponse({ type: [DelegationCredentialView] })
  @ApiSurfaceErrors('default', [404])
  async listCredentials(@TenantId() tenantId: string): Promise<DelegationCredentialView[]> {
    return (await this.tenancy.listDelegationCredentials(tenantId)).map(toCredentialView);
  }

  @Post(':tenantId/domains')
  @ApiOperation({ summary: 'Authorize a mail domain, bound to a provider and a delegation credential' })
  @ApiCreatedResponse({ type: DomainView })
  @ApiSurfaceErrors('default', { 404: 'No such organisation or delegation credential.', 409: 'The domain is already authorized by an organisation.' })
  async createDomain(@TenantId() tenantId: string, @Body() dto: CreateDomainDto): Promise<DomainView> {
    return toDomainView(await this.tenancy.createDomain(tenantId, dto));
  }

  @Get(':tenantId/domains')
  @ApiOperation({ summary: "List the organisation's authorized domains" })
  @ApiOkResponse({ type: [DomainView] })
  @ApiSurfaceErrors('default', [404])
  async listDomains(@TenantId() tenantId: string): Promise<DomainView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listDomains(tenantId)).map(toDomainView);
  }

  @Delete(':tenantId/domains/:domainId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an authorized domain' })
  @ApiNoContentResponse()
  @ApiSurfaceErrors('default', [404])
  async deleteDomain(@TenantId() tenantId: string, @Param('domainId', new ParseUUIDPipe()) domainId: string): Promise<void> {
    await this.tenancy.deleteDomain(tenantId, domainId);
  }

  @Post(':tenantId/users')
  @ApiOperation({ summary: 'Create (or find) a user by identity-provider subject' })
  @ApiCreatedResponse({ type: UserView })
  @ApiSurfaceErrors('default', [404])
  async createUser(@TenantId() tenantId: string, @Body() dto: CreateUserDto): Promise<UserView> {
    return toUserView(await this.tenancy.createUser(tenantId, dto.externalId, dto.email));
  }

  @Get(':tenantId/users')
  @ApiOperation({ summary: "List the organisation's users" })
  @ApiOkResponse({ type: [UserView] })
  @ApiSurfaceErrors('default', [404])
  async listUsers(@TenantId() tenantId: string): Promise<UserView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listUsers(tenantId)).map(toUserView);
  }

  @Post(':tenantId/api-keys')
  @ApiOperation({ summary: 'Issue an API key (shown once). With userId it is a user-scoped `cal_` key.' })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  @ApiSurfaceErrors('default', { 404: 'No such organisation, or no such user in it.' })
  async issueApiKey(@TenantId() tenantId: string, @Body() dto: CreateApiKeyDto): Promise<IssuedApiKeyView> {
    const { entity, key } = await this.tenancy.issueApiKey(tenantId, dto.name, dto.userId);
    return { ...toApiKeyView(entity), key };
  }

  @Get(':tenantId/api-keys')
  @ApiOperation({ summary: "List the organisation's API keys (prefixes only)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  @ApiSurfaceErrors('default', [404])
  async listApiKeys(@TenantId() tenantId: string): Promise<ApiKeyView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listApiKeys(tenantId)).map(toApiKeyView);
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  @ApiSurfaceErrors('default', [404])
  async revokeApiKey(@TenantId() tenantId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string): Promise<void> {
    await this.tenancy.revokeApiKey(tenantId, keyId);
  }

  @Post(':tenantId/tokens')
  @ApiOperation({ summary: 'Sandbox/development only: mint a user JWT (HS256) for trying the bearer-auth APIs' })
  @ApiCreatedResponse({ type: MintedTokenView })
  @ApiSurfaceErrors('default', { 404: 'No such organisation, or the server is not in sandbox or development mode.', 409: 'Token minting needs JWT_SECRET (HS256); this server verifies tokens through JWKS.' })
  async mintToken(@TenantId() tenantId: string, @Body() dto: MintTokenDto): Promise<MintedTokenView> {
    const { accessToken, expiresIn } = await this.tenancy.mintUserToken(tenantId, dto);
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
