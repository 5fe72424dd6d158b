import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DomainException } from '../common/errors/domain.exception';
import { fakeRequest, httpContext } from '../../test/support/tenancy-fakes';
import { AdminController } from './admin.controller';
import { CurrentPrincipal, Principal } from './principal';
import type { TenancyService } from './tenancy.service';
import { TenantController, UsersController } from './tenant.controller';

const at = new Date('2026-03-04T05:06:07.000Z');
const iso = '2026-03-04T05:06:07.000Z';
const tenant = { id: 't1', name: 'Acme', createdAt: at };
const credential = { id: 'c1', provider: 'google', name: 'G', publicConfig: { serviceAccountEmail: 'a@b' }, secretSealed: 'v1:x', createdAt: at };
const domain = { id: 'd1', domain: 'acme.com', provider: 'google', delegationCredentialId: 'c1', createdAt: at };
const user = { id: 5, externalId: 'sub', email: 'ann@acme.com', createdAt: at };
const key = { id: 'k1', name: 'n', keyPrefix: 'cbk_abcd', keyHash: 'h', userId: null, createdAt: at, revokedAt: null, lastUsedAt: null };

const tenantView = { id: 't1', name: 'Acme', createdAt: iso };
const credentialView = { id: 'c1', provider: 'google', name: 'G', publicConfig: { serviceAccountEmail: 'a@b' }, createdAt: iso };
const domainView = { id: 'd1', domain: 'acme.com', provider: 'google', delegationCredentialId: 'c1', createdAt: iso };
const userView = { id: 5, externalId: 'sub', email: 'ann@acme.com', createdAt: iso };
const keyView = { id: 'k1', name: 'n', keyPrefix: 'cbk_abcd', userId: null, createdAt: iso, revokedAt: null, lastUsedAt: null };

/** Records each service call (method and arguments) and answers with fixed rows. */
function recordingTenancy() {
  const calls: unknown[][] = [];
  const answer =
    (name: string, value: unknown) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve(value);
    };
  const tenancy = {
    createTenant: answer('createTenant', tenant),
    listTenants: answer('listTenants', [tenant]),
    requireTenant: answer('requireTenant', tenant),
    createDelegationCredential: answer('createDelegationCredential', credential),
    listDelegationCredentials: answer('listDelegationCredentials', [credential]),
    createDomain: answer('createDomain', domain),
    listDomains: answer('listDomains', [domain]),
    deleteDomain: answer('deleteDomain', undefined),
    createUser: answer('createUser', user),
    listUsers: answer('listUsers', [user]),
    findUser: answer('findUser', user),
    issueApiKey: answer('issueApiKey', { entity: key, key: 'cbk_secret' }),
    listApiKeys: answer('listApiKeys', [key]),
    revokeApiKey: answer('revokeApiKey', undefined),
    mintUserToken: answer('mintUserToken', { accessToken: 'jwt', expiresIn: 60 }),
  };
  return { calls, tenancy: tenancy as unknown as TenancyService & typeof tenancy };
}

describe('AdminController', () => {
  it('maps each route to one service call and the row to its view', async () => {
    const { calls, tenancy } = recordingTenancy();
    const admin = new AdminController(tenancy);
    await expect(admin.createTenant({ name: 'Acme' })).resolves.toEqual(tenantView);
    await expect(admin.listTenants()).resolves.toEqual([tenantView]);
    await expect(admin.getTenant('t1')).resolves.toEqual(tenantView);
    const credentialDto = { provider: 'google', name: 'G' } as never;
    await expect(admin.createCredential('t1', credentialDto)).resolves.toEqual(credentialView);
    await expect(admin.listCredentials('t1')).resolves.toEqual([credentialView]);
    const domainDto = { domain: 'acme.com', provider: 'google' as const, delegationCredentialId: 'c1' };
    await expect(admin.createDomain('t1', domainDto)).resolves.toEqual(domainView);
    expect(calls.splice(0)).toEqual([
      ['createTenant', 'Acme'],
      ['listTenants'],
      ['requireTenant', 't1'],
      ['createDelegationCredential', 't1', credentialDto],
      ['listDelegationCredentials', 't1'],
      ['createDomain', 't1', domainDto],
    ]);
    await expect(admin.listDomains('t1')).resolves.toEqual([domainView]);
    await expect(admin.deleteDomain('t1', 'd1')).resolves.toBeUndefined();
    await expect(admin.createUser('t1', { externalId: 'sub', email: 'ann@acme.com' })).resolves.toEqual(userView);
    await expect(admin.listUsers('t1')).resolves.toEqual([userView]);
    await expect(admin.issueApiKey('t1', { name: 'n', userId: 5 })).resolves.toEqual({ ...keyView, key: 'cbk_secret' });
    await expect(admin.listApiKeys('t1')).resolves.toEqual([keyView]);
    await expect(admin.revokeApiKey('t1', 'k1')).resolves.toBeUndefined();
    const mintDto = { sub: 'sub' };
    await expect(admin.mintToken('t1', mintDto)).resolves.toEqual({ accessToken: 'jwt', tokenType: 'Bearer', expiresIn: 60 });
    expect(calls).toEqual([
      // Listing a missing organisation's children is a 404, not an empty list.
      ['requireTenant', 't1'],
      ['listDomains', 't1'],
      ['deleteDomain', 't1', 'd1'],
      ['createUser', 't1', 'sub', 'ann@acme.com'],
      ['requireTenant', 't1'],
      ['listUsers', 't1'],
      ['issueApiKey', 't1', 'n', 5],
      ['requireTenant', 't1'],
      ['listApiKeys', 't1'],
      ['revokeApiKey', 't1', 'k1'],
      ['mintUserToken', 't1', mintDto],
    ]);
  });
});

describe('TenantController and UsersController', () => {
  const orgPrincipal: Principal = { tenantId: 't1', apiKeyId: 'k1', via: 'api-key' };

  it("answer with the caller's own organisation, keys and user", async () => {
    const { calls, tenancy } = recordingTenancy();
    const tenantRoutes = new TenantController(tenancy);
    await expect(tenantRoutes.whoAmI(orgPrincipal)).resolves.toEqual({ tenant: tenantView, domains: [domainView] });
    await expect(tenantRoutes.listKeys(orgPrincipal)).resolves.toEqual([keyView]);
    await expect(tenantRoutes.revokeKey(orgPrincipal, 'k1')).resolves.toBeUndefined();
    const users = new UsersController(tenancy);
    await expect(users.me({ tenantId: 't1', userId: 5, via: 'jwt' })).resolves.toEqual(userView);
    expect(calls).toEqual([
      ['requireTenant', 't1'],
      ['listDomains', 't1'],
      ['listApiKeys', 't1'],
      ['revokeApiKey', 't1', 'k1'],
      ['findUser', 't1', 5],
    ]);
  });

  it('/users/me is 404 when the user is gone, without asking for a principal without a user', async () => {
    const { calls, tenancy } = recordingTenancy();
    tenancy.findUser = ((...args: unknown[]) => {
      calls.push(['findUser', ...args]);
      return Promise.resolve(null);
    }) as never;
    const users = new UsersController(tenancy);
    const notFound = { code: 'NOT_FOUND', status: 404, message: 'User not found' };
    await expect(users.me({ tenantId: 't1', userId: 5, via: 'jwt' })).rejects.toMatchObject(notFound);
    await expect(users.me({ tenantId: 't1', via: 'jwt' })).rejects.toBeInstanceOf(DomainException);
    expect(calls).toEqual([['findUser', 't1', 5]]);
  });
});

describe('CurrentPrincipal', () => {
  class Routes {
    route(@CurrentPrincipal() principal: Principal): Principal {
      return principal;
    }
  }
  const factory = () => {
    const metadata = Reflect.getMetadata(ROUTE_ARGS_METADATA, Routes, 'route') as Record<string, { factory: (data: unknown, ctx: unknown) => unknown }>;
    return Object.values(metadata)[0].factory;
  };

  it("hands the guard's principal to the handler", () => {
    const request = fakeRequest();
    request.principal = { tenantId: 't1', via: 'api-key' };
    expect(factory()(undefined, httpContext(request))).toBe(request.principal);
  });

  it('fails loudly on a route without an auth guard', () => {
    expect(() => factory()(undefined, httpContext(fakeRequest()))).toThrow('CurrentPrincipal used on a route without an auth guard');
  });
});
