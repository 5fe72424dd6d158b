import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminController } from './admin.controller';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { DelegationCredentialEntity } from './delegation-credential.entity';
import { DelegationCredentialsRepository } from './delegation-credentials.repository';
import { DomainEntity } from './domain.entity';
import { DomainsRepository } from './domains.repository';
import { AdminTokenGuard } from './guards/admin-token.guard';
import { ApiKeyGuard } from './guards/api-key.guard';
import { BearerAuthGuard } from './guards/bearer-auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { TenancyService } from './tenancy.service';
import { TenantController, UsersController } from './tenant.controller';
import { TenantEntity } from './tenant.entity';
import { TenantsRepository } from './tenants.repository';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

/** Organisations, their domains, credentials, keys and users, and the guards built on them. */
@Global()
@Module({
  imports: [
    PassportModule,
    TypeOrmModule.forFeature([TenantEntity, DelegationCredentialEntity, DomainEntity, UserEntity, ApiKeyEntity]),
  ],
  controllers: [AdminController, TenantController, UsersController],
  providers: [
    TenancyService,
    ApiKeyCache,
    TenantsRepository,
    DelegationCredentialsRepository,
    DomainsRepository,
    UsersRepository,
    ApiKeysRepository,
    AdminTokenGuard,
    ApiKeyGuard,
    BearerAuthGuard,
    JwtStrategy,
  ],
  exports: [TenancyService, AdminTokenGuard, ApiKeyGuard, BearerAuthGuard],
})
export class TenancyModule {}
