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
import { AdminTokenGuard } from './guards/admin-token.guard';
import { TenancyService } from './tenancy.service';
import { toApiKeyView, toCredentialView, toDomainView, toTenantView, toUserView } from './tenancy.views';

const TenantId = () => Param('tenantId', new ParseUUIDPipe({ version: '4' }));

@ApiTags('Admin')
@ApiSecurity('admin-token')
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
  @ApiOkResponse({ type: TenantView })
  async getTenant(@TenantId() tenantId: string): Promise<TenantView> {
    return toTenantView(await this.tenancy.requireTenant(tenantId));
  }

  @Post(':tenantId/delegation-credentials')
  @ApiOperation({ summary: 'Store a delegation credential (Google DWD, Microsoft app-only, CalDAV admin); secrets are encrypted' })
  @ApiCreatedResponse({ type: DelegationCredentialView })
  async createCredential(@TenantId() tenantId: string, @Body() dto: CreateDelegationCredentialDto): Promise<DelegationCredentialView> {
    return toCredentialView(await this.tenancy.createDelegationCredential(tenantId, dto));
  }

  @Get(':tenantId/delegation-credentials')
  @ApiOkResponse({ type: [DelegationCredentialView] })
  async listCredentials(@TenantId() tenantId: string): Promise<DelegationCredentialView[]> {
    return (await this.tenancy.listDelegationCredentials(tenantId)).map(toCredentialView);
  }

  @Post(':tenantId/domains')
  @ApiOperation({ summary: 'Authorize a mail domain, bound to a provider and a delegation credential' })
  @ApiCreatedResponse({ type: DomainView })
  async createDomain(@TenantId() tenantId: string, @Body() dto: CreateDomainDto): Promise<DomainView> {
    return toDomainView(await this.tenancy.createDomain(tenantId, dto));
  }

  @Get(':tenantId/domains')
  @ApiOkResponse({ type: [DomainView] })
  async listDomains(@TenantId() tenantId: string): Promise<DomainView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listDomains(tenantId)).map(toDomainView);
  }

  @Delete(':tenantId/domains/:domainId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async deleteDomain(@TenantId() tenantId: string, @Param('domainId', new ParseUUIDPipe()) domainId: string): Promise<void> {
    await this.tenancy.deleteDomain(tenantId, domainId);
  }

  @Post(':tenantId/users')
  @ApiOperation({ summary: 'Create (or find) a user by identity-provider subject' })
  @ApiCreatedResponse({ type: UserView })
  async createUser(@TenantId() tenantId: string, @Body() dto: CreateUserDto): Promise<UserView> {
    return toUserView(await this.tenancy.createUser(tenantId, dto.externalId, dto.email));
  }

  @Get(':tenantId/users')
  @ApiOkResponse({ type: [UserView] })
  async listUsers(@TenantId() tenantId: string): Promise<UserView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listUsers(tenantId)).map(toUserView);
  }

  @Post(':tenantId/api-keys')
  @ApiOperation({ summary: 'Issue an API key (shown once). With userId it is a user-scoped `cal_` key.' })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  async issueApiKey(@TenantId() tenantId: string, @Body() dto: CreateApiKeyDto): Promise<IssuedApiKeyView> {
    const { entity, key } = await this.tenancy.issueApiKey(tenantId, dto.name, dto.userId);
    return { ...toApiKeyView(entity), key };
  }

  @Get(':tenantId/api-keys')
  @ApiOkResponse({ type: [ApiKeyView] })
  async listApiKeys(@TenantId() tenantId: string): Promise<ApiKeyView[]> {
    await this.tenancy.requireTenant(tenantId);
    return (await this.tenancy.listApiKeys(tenantId)).map(toApiKeyView);
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  async revokeApiKey(@TenantId() tenantId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string): Promise<void> {
    await this.tenancy.revokeApiKey(tenantId, keyId);
  }

  @Post(':tenantId/tokens')
  @ApiOperation({ summary: 'Sandbox/development only: mint a user JWT (HS256) for trying the bearer-auth APIs' })
  @ApiCreatedResponse({ type: MintedTokenView })
  async mintToken(@TenantId() tenantId: string, @Body() dto: MintTokenDto): Promise<MintedTokenView> {
    const { accessToken, expiresIn } = await this.tenancy.mintUserToken(tenantId, dto);
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
