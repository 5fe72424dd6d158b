import { ProviderError } from '../providers/provider-errors';
import type { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import { DelegationAccessService, domainOf, providerNameOf, toCredentials } from './delegation-access.service';
import type { TenancyService } from './tenancy.service';

function thrown(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    return error as ProviderError;
  }
  throw new Error('expected a throw');
}

describe('providerNameOf', () => {
  it('names ms "microsoft" and keeps the others', () => {
    expect([providerNameOf('ms'), providerNameOf('google'), providerNameOf('caldav')]).toEqual(['microsoft', 'google', 'caldav']);
  });
});

describe('toCredentials', () => {
  it('google: the service account e-mail and its private key', () => {
    expect(toCredentials({ provider: 'google', publicConfig: { serviceAccountEmail: 'sa@x.iam' } }, { privateKey: 'PEM' })).toEqual({
      kind: 'google-service-account',
      clientEmail: 'sa@x.iam',
      privateKey: 'PEM',
    });
  });

  it('ms: directory, client id and secret', () => {
    expect(toCredentials({ provider: 'ms', publicConfig: { msTenantId: 'contoso', clientId: 'cid' } }, { clientSecret: 's' })).toEqual({
      kind: 'microsoft-app',
      tenantId: 'contoso',
      clientId: 'cid',
      clientSecret: 's',
    });
  });

  it('caldav: server, user, password, and the calendar home template only when set', () => {
    expect(toCredentials({ provider: 'caldav', publicConfig: { serverUrl: 'https://dav/', username: 'admin' } }, { password: 'pw' })).toEqual({
      kind: 'caldav-basic',
      serverUrl: 'https://dav/',
      username: 'admin',
      password: 'pw',
    });
    const withHome = toCredentials(
      { provider: 'caldav', publicConfig: { serverUrl: 'https://dav/', username: 'admin', calendarHomeTemplate: 'https://dav/{email}/' } },
      { password: 'pw' },
    );
    expect(withHome).toEqual({ kind: 'caldav-basic', serverUrl: 'https://dav/', username: 'admin', password: 'pw', calendarHomeTemplate: 'https://dav/{email}/' });
    const emptyHome = toCredentials({ provider: 'caldav', publicConfig: { serverUrl: 'https://dav/', username: 'admin', calendarHomeTemplate: '' } }, { password: 'pw' });
    expect(Object.keys(emptyHome)).toEqual(['kind', 'serverUrl', 'username', 'password']);
  });

  it('a missing or empty field is PERMISSION_DENIED naming the field and the provider', () => {
    const cases: Array<[Pick<DelegationCredentialEntity, 'provider' | 'publicConfig'>, Record<string, string>, string, string]> = [
      [{ provider: 'google', publicConfig: {} }, { privateKey: 'k' }, 'serviceAccountEmail', 'google'],
      [{ provider: 'google', publicConfig: { serviceAccountEmail: 'a' } }, { privateKey: '' }, 'privateKey', 'google'],
      [{ provider: 'ms', publicConfig: { clientId: 'c' } }, { clientSecret: 's' }, 'msTenantId', 'microsoft'],
      [{ provider: 'ms', publicConfig: { msTenantId: 't' } }, { clientSecret: 's' }, 'clientId', 'microsoft'],
      [{ provider: 'ms', publicConfig: { msTenantId: 't', clientId: 'c' } }, {}, 'clientSecret', 'microsoft'],
      [{ provider: 'caldav', publicConfig: { username: 'u' } }, { password: 'p' }, 'serverUrl', 'caldav'],
      [{ provider: 'caldav', publicConfig: { serverUrl: 's' } }, { password: 'p' }, 'username', 'caldav'],
      [{ provider: 'caldav', publicConfig: { serverUrl: 's', username: 'u' } }, {}, 'password', 'caldav'],
    ];
    for (const [credential, secret, field, provider] of cases) {
      const error = thrown(() => toCredentials(credential, secret));
      expect(error).toBeInstanceOf(ProviderError);
      expect({ kind: error.kind, message: error.message, provider: error.provider }).toEqual({
        kind: 'PERMISSION_DENIED',
        message: `The delegation credential has no ${field}`,
        provider,
      });
    }
  });
});

describe('DelegationAccessService', () => {
  it('unseals the tenant credential into a CalendarAccess for the mailbox', async () => {
    const calls: string[] = [];
    const tenancy = {
      delegationSecret: (tenantId: string, id: string) => {
        calls.push(`secret ${tenantId} ${id}`);
        return Promise.resolve({ clientSecret: 's' });
      },
      listDelegationCredentials: (tenantId: string) => {
        calls.push(`list ${tenantId}`);
        return Promise.resolve([
          { id: 'c0', provider: 'google', publicConfig: {} },
          { id: 'c1', provider: 'ms', publicConfig: { msTenantId: 'contoso', clientId: 'cid' } },
        ]);
      },
    } as unknown as TenancyService;
    const service = new DelegationAccessService(tenancy);
    await expect(service.accessFor('t1', 'c1', 'ann@acme.com')).resolves.toEqual({
      mailbox: 'ann@acme.com',
      credentials: { kind: 'microsoft-app', tenantId: 'contoso', clientId: 'cid', clientSecret: 's' },
    });
    expect(calls).toEqual(['secret t1 c1', 'list t1']);
    await expect(service.accessFor('t1', 'c9', 'ann@acme.com')).rejects.toThrow('delegation credential vanished between two reads');
  });

  it('finds the domain row of a mailbox as the tenant authorizes it now, by the lower-cased part after the last @', async () => {
    const asked: string[] = [];
    const domains = [
      { domain: 'acme.com', provider: 'google', delegationCredentialId: 'c0' },
      { domain: 'contoso.com', provider: 'ms', delegationCredentialId: 'c1' },
    ];
    const tenancy = {
      listDomains: (tenantId: string) => {
        asked.push(tenantId);
        return Promise.resolve(domains);
      },
    } as unknown as TenancyService;
    const service = new DelegationAccessService(tenancy);
    await expect(service.domainFor('t1', 'Ann@CONTOSO.com')).resolves.toBe(domains[1]);
    await expect(service.domainFor('t1', '"a@b"@acme.com')).resolves.toBe(domains[0]);
    await expect(service.domainFor('t2', 'ann@elsewhere.com')).resolves.toBeNull();
    expect(asked).toEqual(['t1', 't1', 't2']);
  });
});

describe('domainOf', () => {
  it('is the lower-cased part after the last @', () => {
    expect([domainOf('Ann@Acme.COM'), domainOf('"x@y"@b.test'), domainOf('no-at')]).toEqual(['acme.com', 'b.test', 'no-at']);
  });
});
