import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AdminController } from './admin.controller';
import { ApiKeyCache } from './api-key-cache';
import { AdminTokenGuard } from './guards/admin-token.guard';
import { ApiKeyGuard } from './guards/api-key.guard';
import { BearerAuthGuard } from './guards/bearer-auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { DelegationAccessService } from './delegation-access.service';
import { TenancyService } from './tenancy.service';
import { TenantController, UsersController } from './tenant.controller';

/** Organisations, their domains, credentials, keys and users (stored through the shared repositories in src/database), and the guards built on them. */
@Global()
@Module({
  imports: [PassportModule],
  controllers: [AdminController, TenantController, UsersController],
  providers: [
    TenancyService,
    DelegationAccessService,
    ApiKeyCache,
    AdminTokenGuard,
    ApiKeyGuard,
    BearerAuthGuard,
    JwtStrategy,
  ],
  exports: [TenancyService, DelegationAccessService, AdminTokenGuard, ApiKeyGuard, BearerAuthGuard],
})
export class TenancyModule {}
