import { ApiKeyEntity } from '../database/entities/api-key.entity';
import { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import { DomainEntity } from '../database/entities/domain.entity';
import { TenantEntity } from '../database/entities/tenant.entity';
import { UserEntity } from '../database/entities/user.entity';
import {
  ApiKeyView,
  DelegationCredentialView,
  DomainView,
  TenantView,
  UserView,
} from './dto/admin-responses.dto';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export const toTenantView = (t: TenantEntity): TenantView => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() });

export const toCredentialView = (c: DelegationCredentialEntity): DelegationCredentialView => ({
  id: c.id,
  provider: c.provider,
  name: c.name,
  publicConfig: c.publicConfig,
  createdAt: c.createdAt.toISOString(),
});

export const toDomainView = (d: DomainEntity): DomainView => ({
  id: d.id,
  domain: d.domain,
  provider: d.provider,
  delegationCredentialId: d.delegationCredentialId,
  createdAt: d.createdAt.toISOString(),
});

export const toUserView = (u: UserEntity): UserView => ({
  id: u.id,
  externalId: u.externalId,
  email: u.email,
  createdAt: u.createdAt.toISOString(),
});

export const toApiKeyView = (k: ApiKeyEntity): ApiKeyView => ({
  id: k.id,
  name: k.name,
  keyPrefix: k.keyPrefix,
  userId: k.userId,
  createdAt: k.createdAt.toISOString(),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
});
