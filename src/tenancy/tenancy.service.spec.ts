import { randomBytes, randomUUID } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { QueryFailedError } from 'typeorm';
import { hashApiKey } from '../common/crypto/api-key-hash';
import { SecretBox } from '../common/crypto/secret-box';
import { DomainException } from '../common/errors/domain.exception';
import type { ApiKeyEntity } from '../database/entities/api-key.entity';
import type { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import type { DomainEntity } from '../database/entities/domain.entity';
import type { TenantEntity } from '../database/entities/tenant.entity';
import type { UserEntity } from '../database/entities/user.entity';
import { tenancyConfig } from '../../test/support/tenancy-fakes';
import type { AppConfig } from '../common/config/app-config';
import type { ApiKeyCache } from './api-key-cache';
import type { Principal } from './principal';
import { TenancyService } from './tenancy.service';

/** In-memory stand-ins for the tenant-first repositories in src/database (same signatures). */
class Store {
  tenants: TenantEntity[] = [];
  credentials: Array<DelegationCredentialEntity & { tenantId: string }> = [];
  domains: Array<DomainEntity & { tenantId: string }> = [];
  users: Array<UserEntity & { tenantId: string }> = [];
  keys: ApiKeyEntity[] = [];
  touched: string[] = [];
  domainInsertError?: unknown;

  tenantsRepo = {
    create: (name: string) => {
      const tenant = { id: randomUUID(), name, createdAt: new Date() } as TenantEntity;
      this.tenants.push(tenant);
      return Promise.resolve(tenant);
    },
    // Postgres compares uuid values, so the case of the hex digits does not matter.
    findById: (id: string) => Promise.resolve(this.tenants.find((t) => t.id === id.toLowerCase()) ?? null),
    list: () => Promise.resolve([...this.tenants]),
  };
  credentialsRepo = {
    create: (tenantId: string, input: Omit<DelegationCredentialEntity, 'id' | 'createdAt'>) => {
      const row = { ...input, id: randomUUID(), tenantId, createdAt: new Date() } as DelegationCredentialEntity & { tenantId: string };
      this.credentials.push(row);
      return Promise.resolve(row);
    },
    list: (tenantId: string) => Promise.resolve(this.credentials.filter((c) => c.tenantId === tenantId)),
    findById: (tenantId: string, id: string) => Promise.resolve(this.credentials.find((c) => c.tenantId === tenantId && c.id === id) ?? null),
  };
  domainsRepo = {
    create: (tenantId: string, input: Pick<DomainEntity, 'domain' | 'provider' | 'delegationCredentialId'>) => {
      if (this.domainInsertError) return Promise.reject(this.domainInsertError);
      const row = { ...input, id: randomUUID(), tenantId, createdAt: new Date() } as DomainEntity & { tenantId: string };
      this.domains.push(row);
      return Promise.resolve(row);
    },
    list: (tenantId: string) => Promise.resolve(this.domains.filter((d) => d.tenantId === tenantId)),
    isTaken: (domain: string) => Promise.resolve(this.domains.some((d) => d.domain === domain)),
    ownerOf: (domain: string) => Promise.resolve(this.domains.find((d) => d.domain === domain)?.tenantId ?? null),
    delete: (tenantId: string, id: string) => {
      const before = this.domains.length;
      this.domains = this.domains.filter((d) => !(d.tenantId === tenantId && d.id === id));
      return Promise.resolve(this.domains.length < before);
    },
  };
  usersRepo = {
    findOrCreateByExternalId: (tenantId: string, externalId: string, email: string | undefined) => {
      const found = this.users.find((u) => u.tenantId === tenantId && u.externalId === externalId);
      if (found) return Promise.resolve(found);
      const user = { id: this.users.length + 1, tenantId, externalId, email: email ?? null, createdAt: new Date() } as UserEntity & { tenantId: string };
      this.users.push(user);
      return Promise.resolve(user);
    },
    findById: (tenantId: string, id: number) => Promise.resolve(this.users.find((u) => u.tenantId === tenantId && u.id === id) ?? null),
    list: (tenantId: string) => Promise.resolve(this.users.filter((u) => u.tenantId === tenantId)),
  };
  keysRepo = {
    create: (tenantId: string, input: Pick<ApiKeyEntity, 'name' | 'keyPrefix' | 'keyHash' | 'userId'>) => {
      const row = { ...input, id: randomUUID(), tenantId, revokedAt: null, lastUsedAt: null, createdAt: new Date() } as ApiKeyEntity;
      this.keys.push(row);
      return Promise.resolve(row);
    },
    findActiveByHash: (keyHash: string) => Promise.resolve(this.keys.find((k) => k.keyHash === keyHash && !k.revokedAt) ?? null),
    list: (tenantId: string) => Promise.resolve(this.keys.filter((k) => k.tenantId === tenantId)),
    revoke: (tenantId: string, id: string) => {
      const key = this.keys.find((k) => k.tenantId === tenantId && k.id === id && !k.revokedAt);
      if (!key) return Promise.resolve(null);
      key.revokedAt = new Date();
      return Promise.resolve(key.keyHash);
    },
    touchLastUsed: (tenantId: string, id: string) => {
      this.touched.push(`${tenantId}/${id}`);
      return Promise.resolve();
    },
  };
}

/** ApiKeyCache's contract as the service sees it (get/set/revoked), recorded. */
class RecordingCache {
  entries = new Map<string, Principal>();
  revokedHashes: string[] = [];
  get(hash: string) {
    return this.entries.get(hash);
  }
  set(hash: string, principal: Principal) {
    this.entries.set(hash, principal);
  }
  revoked(hash: string) {
    this.revokedHashes.push(hash);
    this.entries.delete(hash);
    return Promise.resolve();
  }
}

function setup(config: Partial<AppConfig> = {}) {
  const store = new Store();
  const cache = new RecordingCache();
  const box = new SecretBox(randomBytes(32));
  const service = new TenancyService(
    tenancyConfig(config),
    box,
    store.tenantsRepo as never,
    store.credentialsRepo as never,
    store.domainsRepo as never,
    store.usersRepo as never,
    store.keysRepo as never,
    cache as unknown as ApiKeyCache,
  );
  return { store, cache, box, service };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as DomainException;
    expect(e).toBeInstanceOf(DomainException);
    return { code: e.code, status: e.status, message: e.message, ...(e.details ? { details: e.details } : {}) };
  }
  throw new Error('expected a rejection');
}

const MISSING_TENANT = '0b0c6c2e-4a4b-4c4d-8e8f-000000000000';

describe('TenancyService', () => {
  it('creates tenants with a trimmed name, lists them and finds one', async () => {
    const { service, store } = setup();
    const tenant = await service.createTenant('  Acme Legal \n');
    expect(tenant.name).toBe('Acme Legal');
    await expect(service.listTenants()).resolves.toEqual([tenant]);
    await expect(service.requireTenant(tenant.id)).resolves.toBe(tenant);
    await expect(failure(service.requireTenant(MISSING_TENANT))).resolves.toEqual({ code: 'NOT_FOUND', status: 404, message: `Tenant ${MISSING_TENANT} not found` });
    expect(store.tenants).toHaveLength(1);
  });

  describe('delegation credentials', () => {
    it('keeps only the public fields in clear and seals exactly the secret ones, per provider', async () => {
      const { service, box } = setup();
      const tenant = await service.createTenant('A');
      const google = await service.createDelegationCredential(tenant.id, {
        provider: 'google',
        name: 'DWD',
        serviceAccountEmail: 'sa@p.iam.gserviceaccount.com',
        privateKey: '-----BEGIN PRIVATE KEY-----x',
        clientSecret: 'stray',
      } as never);
      expect({ provider: google.provider, name: google.name, publicConfig: google.publicConfig }).toEqual({
        provider: 'google',
        name: 'DWD',
        publicConfig: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' },
      });
      expect(box.decryptJson(google.secretSealed)).toEqual({ privateKey: '-----BEGIN PRIVATE KEY-----x' });
      expect(google.secretSealed).not.toContain('BEGIN');

      const ms = await service.createDelegationCredential(tenant.id, { provider: 'ms', name: 'M', msTenantId: 'contoso', clientId: 'cid', clientSecret: 's3' } as never);
      expect(ms.publicConfig).toEqual({ msTenantId: 'contoso', clientId: 'cid' });
      expect(box.decryptJson(ms.secretSealed)).toEqual({ clientSecret: 's3' });

      const caldav = await service.createDelegationCredential(tenant.id, {
        provider: 'caldav',
        name: 'C',
        serverUrl: 'https://dav.test/',
        username: 'admin',
        password: 'pw',
      } as never);
      // An absent optional field is left out, not stored as undefined.
      expect(caldav.publicConfig).toEqual({ serverUrl: 'https://dav.test/', username: 'admin' });
      expect(Object.keys(caldav.publicConfig)).toEqual(['serverUrl', 'username']);
      expect(box.decryptJson(caldav.secretSealed)).toEqual({ password: 'pw' });

      await expect(service.listDelegationCredentials(tenant.id)).resolves.toEqual([google, ms, caldav]);
      await expect(service.delegationSecret(tenant.id, ms.id)).resolves.toEqual({ clientSecret: 's3' });
    });

    it('answers 404 for a missing tenant or a credential of another tenant', async () => {
      const { service } = setup();
      const a = await service.createTenant('A');
      const b = await service.createTenant('B');
      const cred = await service.createDelegationCredential(a.id, { provider: 'ms', name: 'M', msTenantId: 't', clientId: 'c', clientSecret: 's' } as never);
      await expect(failure(service.createDelegationCredential(MISSING_TENANT, { provider: 'ms', name: 'M' } as never))).resolves.toMatchObject({ status: 404 });
      await expect(failure(service.listDelegationCredentials(MISSING_TENANT))).resolves.toMatchObject({ status: 404 });
      await expect(failure(service.delegationSecret(b.id, cred.id))).resolves.toEqual({ code: 'NOT_FOUND', status: 404, message: 'Delegation credential not found' });
    });
  });

  describe('domains', () => {
    async function withCredential() {
      const ctx = setup();
      const tenant = await ctx.service.createTenant('A');
      const cred = await ctx.service.createDelegationCredential(tenant.id, { provider: 'google', name: 'G', serviceAccountEmail: 'a@b.c', privateKey: 'k' } as never);
      return { ...ctx, tenant, cred };
    }

    it('authorizes a domain in lower case, bound to the credential', async () => {
      const { service, tenant, cred, store } = await withCredential();
      const domain = await service.createDomain(tenant.id, { domain: 'Acme.COM', provider: 'google', delegationCredentialId: cred.id });
      expect({ domain: domain.domain, provider: domain.provider, delegationCredentialId: domain.delegationCredentialId }).toEqual({
        domain: 'acme.com',
        provider: 'google',
        delegationCredentialId: cred.id,
      });
      await expect(service.listDomains(tenant.id)).resolves.toEqual([domain]);
      await expect(service.findDomainOwner('acme.com')).resolves.toBe(tenant.id);
      await expect(service.findDomainOwner('other.com')).resolves.toBeNull();
      expect(store.domains).toHaveLength(1);
    });

    it('refuses a missing credential (404), a provider mismatch (400) and a taken domain (409)', async () => {
      const { service, tenant, cred } = await withCredential();
      const missing = randomUUID();
      await expect(failure(service.createDomain(tenant.id, { domain: 'a.com', provider: 'google', delegationCredentialId: missing }))).resolves.toEqual({
        code: 'NOT_FOUND',
        status: 404,
        message: `Delegation credential ${missing} not found`,
      });
      await expect(failure(service.createDomain(tenant.id, { domain: 'a.com', provider: 'ms', delegationCredentialId: cred.id }))).resolves.toEqual({
        code: 'VALIDATION_FAILED',
        status: 400,
        message: 'Validation failed',
        details: [{ field: 'provider', message: 'the delegation credential is for google, not ms' }],
      });
      await service.createDomain(tenant.id, { domain: 'a.com', provider: 'google', delegationCredentialId: cred.id });
      await expect(failure(service.createDomain(tenant.id, { domain: 'A.com', provider: 'google', delegationCredentialId: cred.id }))).resolves.toEqual({
        code: 'CONFLICT',
        status: 409,
        message: 'Domain a.com is already authorized by an organisation',
      });
      await expect(failure(service.createDomain(MISSING_TENANT, { domain: 'b.com', provider: 'google', delegationCredentialId: cred.id }))).resolves.toMatchObject({
        status: 404,
        message: `Tenant ${MISSING_TENANT} not found`,
      });
    });

    it('turns a unique violation at insert (a race) into 409 and lets other errors through', async () => {
      const { service, tenant, cred, store } = await withCredential();
      store.domainInsertError = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: '23505' }));
      await expect(failure(service.createDomain(tenant.id, { domain: 'race.com', provider: 'google', delegationCredentialId: cred.id }))).resolves.toEqual({
        code: 'CONFLICT',
        status: 409,
        message: 'Domain race.com is already authorized by an organisation',
      });
      const other = new Error('disk full');
      store.domainInsertError = other;
      await expect(service.createDomain(tenant.id, { domain: 'race.com', provider: 'google', delegationCredentialId: cred.id })).rejects.toBe(other);
    });

    it('deletes a domain of the tenant and answers 404 otherwise', async () => {
      const { service, tenant, cred, store } = await withCredential();
      const domain = await service.createDomain(tenant.id, { domain: 'd.com', provider: 'google', delegationCredentialId: cred.id });
      const other = await service.createTenant('B');
      await expect(failure(service.deleteDomain(other.id, domain.id))).resolves.toEqual({ code: 'NOT_FOUND', status: 404, message: `Domain ${domain.id} not found` });
      await expect(service.deleteDomain(tenant.id, domain.id)).resolves.toBeUndefined();
      expect(store.domains).toEqual([]);
    });
  });

  describe('users and API keys', () => {
    it('creates users once per external id inside an existing tenant', async () => {
      const { service } = setup();
      const tenant = await service.createTenant('A');
      const user = await service.createUser(tenant.id, 'sub-1', 'ann@acme.com');
      await expect(service.createUser(tenant.id, 'sub-1', undefined)).resolves.toBe(user);
      await expect(service.listUsers(tenant.id)).resolves.toEqual([user]);
      await expect(service.findUser(tenant.id, user.id)).resolves.toBe(user);
      await expect(failure(service.createUser(MISSING_TENANT, 'x', undefined))).resolves.toMatchObject({ status: 404 });
    });

    it('issues organisation (cbk_) and user (cal_) keys, storing only the prefix and the hash', async () => {
      const { service, store } = setup();
      const tenant = await service.createTenant('A');
      const org = await service.issueApiKey(tenant.id, 'back office');
      expect(org.key).toMatch(/^cbk_[A-Za-z0-9_-]{32}$/);
      expect(org.entity).toMatchObject({ name: 'back office', keyPrefix: org.key.slice(0, 8), keyHash: hashApiKey(org.key), userId: null });
      expect(org.entity.keyPrefix).toHaveLength(8);
      const user = await service.createUser(tenant.id, 'sub', undefined);
      const personal = await service.issueApiKey(tenant.id, 'mine', user.id);
      expect(personal.key).toMatch(/^cal_/);
      expect(personal.entity.userId).toBe(user.id);
      await expect(service.listApiKeys(tenant.id)).resolves.toEqual([org.entity, personal.entity]);
      await expect(failure(service.issueApiKey(tenant.id, 'x', 999))).resolves.toEqual({ code: 'NOT_FOUND', status: 404, message: 'User 999 not found in this tenant' });
      await expect(failure(service.issueApiKey(MISSING_TENANT, 'x'))).resolves.toMatchObject({ status: 404 });
      expect(store.keys).toHaveLength(2);
    });

    it('authenticates a key: principal from the row, remembered in the cache, last use written at most once a minute', async () => {
      const { service, store, cache } = setup();
      const tenant = await service.createTenant('A');
      const user = await service.createUser(tenant.id, 'sub', undefined);
      const org = await service.issueApiKey(tenant.id, 'org');
      const personal = await service.issueApiKey(tenant.id, 'user', user.id);
      const t0 = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(t0);
      const orgPrincipal = { tenantId: tenant.id, userId: undefined, apiKeyId: org.entity.id, via: 'api-key' };
      await expect(service.authenticateApiKey(org.key)).resolves.toEqual(orgPrincipal);
      expect(cache.entries.get(hashApiKey(org.key))).toEqual(orgPrincipal);
      await expect(service.authenticateApiKey(personal.key)).resolves.toEqual({ tenantId: tenant.id, userId: user.id, apiKeyId: personal.entity.id, via: 'api-key' });
      expect(store.touched).toEqual([`${tenant.id}/${org.entity.id}`, `${tenant.id}/${personal.entity.id}`]);

      // Served from the cache: no repository read, no second write.
      const served = cache.entries.get(hashApiKey(org.key));
      await expect(service.authenticateApiKey(org.key)).resolves.toBe(served);
      // Not cached (e.g. the cache is not listening): the row is read again, but the write waits a minute.
      cache.entries.clear();
      await expect(service.authenticateApiKey(org.key)).resolves.toEqual(orgPrincipal);
      expect(store.touched).toHaveLength(2);
      clock.mockReturnValue(t0 + 59_999);
      cache.entries.clear();
      await service.authenticateApiKey(org.key);
      expect(store.touched).toHaveLength(2);
      clock.mockReturnValue(t0 + 60_000);
      cache.entries.clear();
      await service.authenticateApiKey(org.key);
      expect(store.touched).toEqual([`${tenant.id}/${org.entity.id}`, `${tenant.id}/${personal.entity.id}`, `${tenant.id}/${org.entity.id}`]);
      clock.mockRestore();

      await expect(service.authenticateApiKey('cbk_unknown')).resolves.toBeNull();
      expect(cache.entries.has(hashApiKey('cbk_unknown'))).toBe(false);
    });

    it('a failed last-use write does not fail authentication', async () => {
      const { service, store } = setup();
      const tenant = await service.createTenant('A');
      const org = await service.issueApiKey(tenant.id, 'org');
      store.keysRepo.touchLastUsed = () => Promise.reject(new Error('write failed'));
      await expect(service.authenticateApiKey(org.key)).resolves.toMatchObject({ apiKeyId: org.entity.id });
      await new Promise((resolve) => setImmediate(resolve));
    });

    it('revokes a key: gone from the store, evicted everywhere; 404 for an unknown or foreign key', async () => {
      const { service, cache } = setup();
      const tenant = await service.createTenant('A');
      const other = await service.createTenant('B');
      const org = await service.issueApiKey(tenant.id, 'org');
      await service.authenticateApiKey(org.key);
      await expect(failure(service.revokeApiKey(other.id, org.entity.id))).resolves.toEqual({ code: 'NOT_FOUND', status: 404, message: `API key ${org.entity.id} not found` });
      expect(cache.revokedHashes).toEqual([]);
      await service.revokeApiKey(tenant.id, org.entity.id);
      expect(cache.revokedHashes).toEqual([hashApiKey(org.key)]);
      await expect(service.authenticateApiKey(org.key)).resolves.toBeNull();
    });
  });

  describe('principalFromJwt', () => {
    const exp = Math.floor(Date.now() / 1000) + 600;

    it('maps valid claims to a user principal, creating the user with the e-mail', async () => {
      const { service, store } = setup({ jwt: { tenantClaim: 'https://cb/org', secret: 's' } });
      const tenant = await service.createTenant('A');
      await expect(service.principalFromJwt({ sub: 'sub-1', email: 'ann@acme.com', exp, 'https://cb/org': tenant.id })).resolves.toEqual({
        tenantId: tenant.id,
        userId: 1,
        via: 'jwt',
      });
      // A UUID in upper case is the same tenant.
      await expect(service.principalFromJwt({ sub: 'sub-2', exp, 'https://cb/org': tenant.id.toUpperCase() })).resolves.toMatchObject({ userId: 2 });
      await expect(service.principalFromJwt({ sub: 'sub-3', exp, org: tenant.id })).resolves.toBeNull();
      expect(store.users.slice(0, 1)).toMatchObject([{ tenantId: tenant.id, externalId: 'sub-1', email: 'ann@acme.com' }]);
    });

    it('refuses claims without exp, a usable subject or a known UUID tenant', async () => {
      const { service, store } = setup();
      const tenant = await service.createTenant('A');
      const base = { sub: 'sub-1', exp, org: tenant.id };
      const cases: Array<Record<string, unknown>> = [
        { ...base, exp: undefined },
        { ...base, exp: String(exp) },
        { ...base, sub: undefined },
        { ...base, sub: 42 },
        { ...base, sub: '' },
        { ...base, sub: 'a'.repeat(256) },
        { ...base, sub: 'a\u0000b' },
        { ...base, org: undefined },
        { ...base, org: 7 },
        { ...base, org: [tenant.id] },
        { ...base, org: 'not-a-uuid' },
        { ...base, org: `${tenant.id}x` },
        { ...base, org: `x${tenant.id}` },
        { ...base, org: MISSING_TENANT },
      ];
      for (const claims of cases) await expect(service.principalFromJwt(claims)).resolves.toBeNull();
      expect(store.users).toEqual([]);
      // The limits themselves are accepted.
      await expect(service.principalFromJwt({ ...base, sub: 'a'.repeat(255) })).resolves.toMatchObject({ tenantId: tenant.id });
      await expect(service.principalFromJwt({ ...base, sub: 'b' })).resolves.toMatchObject({ tenantId: tenant.id });
      expect(store.users.map((u) => u.externalId)).toEqual(['a'.repeat(255), 'b']);
    });

    it('ignores an e-mail claim that is absent or unusable', async () => {
      const { service, store } = setup();
      const tenant = await service.createTenant('A');
      const emails: unknown[] = [undefined, 5, '', 'x'.repeat(321), 'a\u0000@b.c'];
      for (const [i, email] of emails.entries()) await service.principalFromJwt({ sub: `s${i}`, email, exp, org: tenant.id });
      await service.principalFromJwt({ sub: 'max', email: `${'x'.repeat(314)}@b.com`, exp, org: tenant.id });
      expect(store.users.map((u) => u.email)).toEqual([null, null, null, null, null, `${'x'.repeat(314)}@b.com`]);
    });
  });

  describe('mintUserToken', () => {
    it('signs an HS256 token with the tenant claim, issuer, audience, e-mail and lifetime', async () => {
      const { service } = setup({ jwt: { secret: 'mint-secret-0123456789', tenantClaim: 'org', issuer: 'https://idp', audience: 'cb' }, nodeEnv: 'production', sandbox: true });
      const tenant = await service.createTenant('A');
      const minted = await service.mintUserToken(tenant.id, { sub: 'u1', email: 'ann@acme.com', expiresInSeconds: 120 });
      expect(minted.expiresIn).toBe(120);
      const claims = verify(minted.accessToken, 'mint-secret-0123456789', { algorithms: ['HS256'] }) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: 'u1', org: tenant.id, email: 'ann@acme.com', iss: 'https://idp', aud: 'cb' });
      expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    });

    it('defaults to an hour and leaves out what is not configured or given', async () => {
      const { service } = setup({ jwt: { secret: 'mint-secret-0123456789', tenantClaim: 'tid' }, nodeEnv: 'development' });
      const tenant = await service.createTenant('A');
      const minted = await service.mintUserToken(tenant.id, { sub: 'u1', email: '' });
      expect(minted.expiresIn).toBe(3600);
      const claims = verify(minted.accessToken, 'mint-secret-0123456789') as Record<string, unknown>;
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'sub', 'tid']);
      expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    });

    it('is refused in production outside the sandbox (404), without a shared secret (409), for an unknown tenant (404)', async () => {
      const prod = setup({ nodeEnv: 'production', sandbox: false });
      const t1 = await prod.service.createTenant('A');
      await expect(failure(prod.service.mintUserToken(t1.id, { sub: 'u' }))).resolves.toEqual({
        code: 'NOT_FOUND',
        status: 404,
        message: 'Token minting is only available in sandbox or development mode',
      });
      const jwks = setup({ jwt: { jwksUrl: 'https://idp/jwks', tenantClaim: 'org' }, nodeEnv: 'test' });
      const t2 = await jwks.service.createTenant('A');
      await expect(failure(jwks.service.mintUserToken(t2.id, { sub: 'u' }))).resolves.toEqual({
        code: 'CONFLICT',
        status: 409,
        message: 'Token minting needs JWT_SECRET (HS256)',
      });
      const dev = setup({ nodeEnv: 'test' });
      await expect(failure(dev.service.mintUserToken(MISSING_TENANT, { sub: 'u' }))).resolves.toMatchObject({ status: 404, message: `Tenant ${MISSING_TENANT} not found` });
    });
  });
});
