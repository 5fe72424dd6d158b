import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateApiKeyDto, CreateDelegationCredentialDto } from './admin.dto';

/** The properties class-validator rejects, as the ValidationPipe would report them. */
function invalid<T extends object>(cls: new () => T, body: object): string[] {
  return validateSync(plainToInstance(cls, body))
    .map((error) => error.property)
    .sort();
}

describe('CreateDelegationCredentialDto', () => {
  const google = { provider: 'google', name: 'G', serviceAccountEmail: 'sa@p.iam.gserviceaccount.com', privateKey: '-----BEGIN PRIVATE KEY-----\nx' };
  const ms = { provider: 'ms', name: 'M', msTenantId: 'contoso', clientId: 'cid', clientSecret: 's' };
  const caldav = { provider: 'caldav', name: 'C', serverUrl: 'https://dav.example.com/', username: 'admin', password: 'pw' };

  it("requires exactly the provider's own fields", () => {
    expect(invalid(CreateDelegationCredentialDto, google)).toEqual([]);
    expect(invalid(CreateDelegationCredentialDto, ms)).toEqual([]);
    expect(invalid(CreateDelegationCredentialDto, caldav)).toEqual([]);
    expect(invalid(CreateDelegationCredentialDto, { provider: 'google', name: 'G' })).toEqual(['privateKey', 'serviceAccountEmail']);
    expect(invalid(CreateDelegationCredentialDto, { provider: 'ms', name: 'M' })).toEqual(['clientId', 'clientSecret', 'msTenantId']);
    expect(invalid(CreateDelegationCredentialDto, { provider: 'caldav', name: 'C' })).toEqual(['password', 'serverUrl', 'username']);
  });

  it("validates another provider's fields only for that provider", () => {
    // A stray field of another provider is not validated (and TenancyService does not store it).
    expect(invalid(CreateDelegationCredentialDto, { ...google, clientSecret: 5, serverUrl: 'not a url', password: 7 })).toEqual([]);
    expect(invalid(CreateDelegationCredentialDto, { ...ms, serviceAccountEmail: 'nope', password: 7 })).toEqual([]);
    expect(invalid(CreateDelegationCredentialDto, { ...caldav, privateKey: 'nope', msTenantId: 7 })).toEqual([]);
  });

  it('an unknown provider is refused, with the name', () => {
    expect(invalid(CreateDelegationCredentialDto, { provider: 'exchange', name: 'X' })).toEqual(['provider']);
  });
});

describe('CreateApiKeyDto', () => {
  it('takes an optional int4 user id', () => {
    expect(invalid(CreateApiKeyDto, { name: 'k' })).toEqual([]);
    expect(invalid(CreateApiKeyDto, { name: 'k', userId: 2_147_483_647 })).toEqual([]);
    expect(invalid(CreateApiKeyDto, { name: 'k', userId: 2_147_483_648 })).toEqual(['userId']);
    expect(invalid(CreateApiKeyDto, { name: 'k', userId: 0 })).toEqual(['userId']);
    expect(invalid(CreateApiKeyDto, { name: 'k\u0000', userId: 1.5 })).toEqual(['name', 'userId']);
  });
});
