import type { ApiKeyEntity } from '../database/entities/api-key.entity';
import type { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import type { DomainEntity } from '../database/entities/domain.entity';
import type { TenantEntity } from '../database/entities/tenant.entity';
import type { UserEntity } from '../database/entities/user.entity';
import { toApiKeyView, toCredentialView, toDomainView, toTenantView, toUserView } from './tenancy.views';

const created = new Date('2026-01-02T03:04:05.678Z');

describe('tenancy views', () => {
  it('tenant, credential (no secret), domain and user rows become their wire views with ISO dates', () => {
    expect(toTenantView({ id: 't1', name: 'Acme', createdAt: created } as TenantEntity)).toEqual({ id: 't1', name: 'Acme', createdAt: '2026-01-02T03:04:05.678Z' });
    const credential = { id: 'c1', provider: 'ms', name: 'M', publicConfig: { clientId: 'x' }, secretSealed: 'v1:sealed', tenantId: 't1', createdAt: created };
    expect(toCredentialView(credential as unknown as DelegationCredentialEntity)).toEqual({
      id: 'c1',
      provider: 'ms',
      name: 'M',
      publicConfig: { clientId: 'x' },
      createdAt: '2026-01-02T03:04:05.678Z',
    });
    const domain = { id: 'd1', domain: 'acme.com', provider: 'google', delegationCredentialId: 'c1', tenantId: 't1', createdAt: created };
    expect(toDomainView(domain as unknown as DomainEntity)).toEqual({
      id: 'd1',
      domain: 'acme.com',
      provider: 'google',
      delegationCredentialId: 'c1',
      createdAt: '2026-01-02T03:04:05.678Z',
    });
    expect(toUserView({ id: 4, externalId: 'sub', email: null, tenantId: 't1', createdAt: created } as unknown as UserEntity)).toEqual({
      id: 4,
      externalId: 'sub',
      email: null,
      createdAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it('an API key shows its prefix, never its hash; unset dates are null', () => {
    const key = { id: 'k1', name: 'n', keyPrefix: 'cbk_abcd', keyHash: 'f'.repeat(64), userId: null, tenantId: 't1', createdAt: created, revokedAt: null, lastUsedAt: null };
    expect(toApiKeyView(key as unknown as ApiKeyEntity)).toEqual({
      id: 'k1',
      name: 'n',
      keyPrefix: 'cbk_abcd',
      userId: null,
      createdAt: '2026-01-02T03:04:05.678Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    const used = { ...key, userId: 3, revokedAt: new Date('2026-02-01T00:00:00.000Z'), lastUsedAt: new Date('2026-01-15T12:00:00.000Z') };
    expect(toApiKeyView(used as unknown as ApiKeyEntity)).toMatchObject({ userId: 3, revokedAt: '2026-02-01T00:00:00.000Z', lastUsedAt: '2026-01-15T12:00:00.000Z' });
  });
});
