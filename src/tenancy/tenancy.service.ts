import { Inject, Injectable } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../common/config/app-config';
import { generateApiKey, hashApiKey } from '../common/crypto/api-key-hash';
import { SecretBox } from '../common/crypto/secret-box';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import { isUniqueViolation } from '../common/errors/normalize-error';
import { ApiKeyEntity } from '../database/entities/api-key.entity';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeysRepository } from '../database/repositories/api-keys.repository';
import { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import { DelegationCredentialsRepository } from '../database/repositories/delegation-credentials.repository';
import { DomainEntity } from '../database/entities/domain.entity';
import { DomainsRepository } from '../database/repositories/domains.repository';
import { CreateDelegationCredentialDto, CreateDomainDto, MintTokenDto } from './dto/admin.dto';
import { Principal } from './principal';
import { TenantEntity } from '../database/entities/tenant.entity';
import { TenantsRepository } from '../database/repositories/tenants.repository';
import { UserEntity } from '../database/entities/user.entity';
import { UsersRepository } from '../database/repositories/users.repository';

/** Which DTO fields are secret, per provider: sealed at rest, never echoed back. */
const CREDENTIAL_FIELDS: Record<CreateDelegationCredentialDto['provider'], { public: string[]; secret: string[] }> = {
  google: { public: ['serviceAccountEmail'], secret: ['privateKey'] },
  ms: { public: ['msTenantId', 'clientId'], secret: ['clientSecret'] },
  caldav: { public: ['serverUrl', 'username', 'calendarHomeTemplate'], secret: ['password'] },
};

export interface JwtClaims {
  sub?: unknown;
  email?: unknown;
  [claim: string]: unknown;
}

const KEY_USE_WRITE_INTERVAL_MS = 60_000;

@Injectable()
export class TenancyService {
  private readonly lastKeyUseWrite = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secretBox: SecretBox,
    private readonly tenants: TenantsRepository,
    private readonly credentials: DelegationCredentialsRepository,
    private readonly domains: DomainsRepository,
    private readonly users: UsersRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly keyCache: ApiKeyCache,
  ) {}

  createTenant(name: string): Promise<TenantEntity> {
    return this.tenants.create(name.trim());
  }

  listTenants(): Promise<TenantEntity[]> {
    return this.tenants.list();
  }

  async requireTenant(tenantId: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw new DomainException(ErrorCode.NotFound, `Tenant ${tenantId} not found`, 404);
    return tenant;
  }

  async createDelegationCredential(tenantId: string, dto: CreateDelegationCredentialDto): Promise<DelegationCredentialEntity> {
    await this.requireTenant(tenantId);
    const fields = CREDENTIAL_FIELDS[dto.provider];
    const pick = (names: string[]): Record<string, string> =>
      Object.fromEntries(
        names
          .map((name) => [name, (dto as unknown as Record<string, string | undefined>)[name]] as const)
          .filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string'),
      );
    return this.credentials.create(tenantId, {
      provider: dto.provider,
      name: dto.name,
      publicConfig: pick(fields.public),
      secretSealed: this.secretBox.encryptJson(pick(fields.secret)),
    });
  }

  async listDelegationCredentials(tenantId: string): Promise<DelegationCredentialEntity[]> {
    await this.requireTenant(tenantId);
    return this.credentials.list(tenantId);
  }

  /** The decrypted secret half of a credential, for the provider adapters. */
  async delegationSecret(tenantId: string, credentialId: string): Promise<Record<string, string>> {
    const credential = await this.credentials.findById(tenantId, credentialId);
    if (!credential) throw new DomainException(ErrorCode.NotFound, 'Delegation credential not found', 404);
    return this.secretBox.decryptJson<Record<string, string>>(credential.secretSealed);
  }

  async createDomain(tenantId: string, dto: CreateDomainDto): Promise<DomainEntity> {
    await this.requireTenant(tenantId);
    const credential = await this.credentials.findById(tenantId, dto.delegationCredentialId);
    if (!credential) {
      throw new DomainException(ErrorCode.NotFound, `Delegation credential ${dto.delegationCredentialId} not found`, 404);
    }
    if (credential.provider !== dto.provider) {
      throw new DomainException(ErrorCode.ValidationFailed, 'Validation failed', 400, [
        { field: 'provider', message: `the delegation credential is for ${credential.provider}, not ${dto.provider}` },
      ]);
    }
    const domain = dto.domain.toLowerCase();
    const taken = () => new DomainException(ErrorCode.Conflict, `Domain ${domain} is already authorized by an organisation`, 409);
    if (await this.domains.isTaken(domain)) throw taken();
    try {
      return await this.domains.create(tenantId, { domain, provider: dto.provider, delegationCredentialId: credential.id });
    } catch (error) {
      // Another request authorized it between the check and the insert: the unique index decided.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  /** Which organisation authorized a domain (sandbox demo seeding finds its organisation again by it). */
  findDomainOwner(domain: string): Promise<string | null> {
    return this.domains.ownerOf(domain);
  }

  listDomains(tenantId: string): Promise<DomainEntity[]> {
    return this.domains.list(tenantId);
  }

  async deleteDomain(tenantId: string, domainId: string): Promise<void> {
    if (!(await this.domains.delete(tenantId, domainId))) {
      throw new DomainException(ErrorCode.NotFound, `Domain ${domainId} not found`, 404);
    }
  }

  async createUser(tenantId: string, externalId: string, email: string | undefined): Promise<UserEntity> {
    await this.requireTenant(tenantId);
    return this.users.findOrCreateByExternalId(tenantId, externalId, email);
  }

  listUsers(tenantId: string): Promise<UserEntity[]> {
    return this.users.list(tenantId);
  }

  findUser(tenantId: string, userId: number): Promise<UserEntity | null> {
    return this.users.findById(tenantId, userId);
  }

  async issueApiKey(tenantId: string, name: string, userId?: number): Promise<{ entity: ApiKeyEntity; key: string }> {
    await this.requireTenant(tenantId);
    if (userId !== undefined && !(await this.users.findById(tenantId, userId))) {
      throw new DomainException(ErrorCode.NotFound, `User ${userId} not found in this tenant`, 404);
    }
    // Stryker disable next-line StringLiteral: equivalent — generateApiKey gives a cbk_ key for any kind but 'user'.
    const key = generateApiKey(userId === undefined ? 'tenant' : 'user');
    const entity = await this.apiKeys.create(tenantId, {
      name,
      keyPrefix: key.slice(0, 8),
      keyHash: hashApiKey(key),
      userId: userId ?? null,
    });
    return { entity, key };
  }

  listApiKeys(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.apiKeys.list(tenantId);
  }

  async revokeApiKey(tenantId: string, keyId: string): Promise<void> {
    const keyHash = await this.apiKeys.revoke(tenantId, keyId);
    if (!keyHash) throw new DomainException(ErrorCode.NotFound, `API key ${keyId} not found`, 404);
    await this.keyCache.revoked(keyHash);
  }

  /**
   * Returns who the key acts for, or null for an unknown or revoked key. Known keys are
   * served from ApiKeyCache, which every replica evicts as soon as a key is revoked.
   */
  async authenticateApiKey(key: string): Promise<Principal | null> {
    const keyHash = hashApiKey(key);
    const cached = this.keyCache.get(keyHash);
    if (cached) return cached;
    const entity = await this.apiKeys.findActiveByHash(keyHash);
    if (!entity) return null;
    this.recordKeyUse(entity);
    const principal: Principal = { tenantId: entity.tenantId, userId: entity.userId ?? undefined, apiKeyId: entity.id, via: 'api-key' };
    this.keyCache.set(keyHash, principal);
    return principal;
  }

  /**
   * `last_used_at` is for people reviewing their keys, so minute precision is plenty: writing
   * it on every request would cost a commit per call on the hottest path.
   */
  private recordKeyUse(entity: ApiKeyEntity): void {
    const now = Date.now();
    if (now - (this.lastKeyUseWrite.get(entity.id) ?? 0) < KEY_USE_WRITE_INTERVAL_MS) return;
    this.lastKeyUseWrite.set(entity.id, now);
    // Best effort: a failed bookkeeping write must not fail the request.
    void this.apiKeys.touchLastUsed(entity.tenantId, entity.id).catch(() => undefined);
  }

  /**
   * A verified JWT's claims → the principal; the user is created on first sight. A token
   * without `exp` would be valid forever, and a subject the users table cannot hold is a bad
   * token (401), not a database error. An e-mail claim that is absent or unusable changes nothing.
   */
  async principalFromJwt(claims: JwtClaims): Promise<Principal | null> {
    const tenantId = claims[this.config.jwt.tenantClaim];
    if (typeof claims.exp !== 'number' || !isStorableText(claims.sub, MAX_EXTERNAL_ID_LENGTH) || typeof tenantId !== 'string') return null;
    if (!UUID.test(tenantId) || !(await this.tenants.findById(tenantId))) return null;
    const email = isStorableText(claims.email, MAX_EMAIL_LENGTH) ? claims.email : undefined;
    const user = await this.users.findOrCreateByExternalId(tenantId, claims.sub, email);
    return { tenantId, userId: user.id, via: 'jwt' };
  }

  /** Sandbox/development helper: an HS256 user token as the configured identity provider would issue. */
  async mintUserToken(tenantId: string, dto: MintTokenDto): Promise<{ accessToken: string; expiresIn: number }> {
    if (!this.config.sandbox && this.config.nodeEnv === 'production') {
      throw new DomainException(ErrorCode.NotFound, 'Token minting is only available in sandbox or development mode', 404);
    }
    if (!this.config.jwt.secret) {
      throw new DomainException(ErrorCode.Conflict, 'Token minting needs JWT_SECRET (HS256)', 409);
    }
    await this.requireTenant(tenantId);
    const expiresIn = dto.expiresInSeconds ?? 3600;
    const claims: Record<string, unknown> = { sub: dto.sub, [this.config.jwt.tenantClaim]: tenantId };
    if (dto.email) claims.email = dto.email;
    const accessToken = sign(claims, this.config.jwt.secret, {
      algorithm: 'HS256',
      expiresIn,
      ...(this.config.jwt.issuer ? { issuer: this.config.jwt.issuer } : {}),
      ...(this.config.jwt.audience ? { audience: this.config.jwt.audience } : {}),
    });
    return { accessToken, expiresIn };
  }
}

/** Column sizes of `users.external_id` and `users.email`. */
const MAX_EXTERNAL_ID_LENGTH = 255;
const MAX_EMAIL_LENGTH = 320;

/** Postgres text cannot hold NUL, and a value over the column size would fail the statement. */
function isStorableText(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength && !value.includes('\u0000');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
