import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../common/config/app-config';
import { DomainException } from '../../common/errors/domain.exception';
import { DelegationCredentialEntity } from '../../database/entities/delegation-credential.entity';
import { TenancyService } from '../../tenancy/tenancy.service';
import { GoogleEmulator } from '../google/google-emulator';
import { MicrosoftEmulator } from '../microsoft/microsoft-emulator';
import { SandboxStateService } from '../persistence/sandbox-state.service';
import { keepDemoApiKey, readDemoApiKey } from './demo-api-key-file';
import { DEMO_DOMAINS, DEMO_ORGANISATION } from './demo-organisation';

const { google: GOOGLE, microsoft: MICROSOFT } = DEMO_ORGANISATION;

/**
 * Keeps the sandbox demo organisation at every boot, creating only what is missing: the
 * tenant, one delegation credential per provider (secrets sealed in the database, which is
 * their source of truth), the four domains and the API key. Then it makes the emulators
 * honour those credentials: the service account's public key and domain-wide delegation at
 * the Google emulator, the app registration with its secret at the Microsoft one.
 */
@Injectable()
export class SandboxDemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SandboxDemo');
  /** What the emulators were last told, to tell them again after a control-API reset. */
  private registered: { privateKeyPem: string; clientSecret: string } | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenancy: TenancyService,
    private readonly google: GoogleEmulator,
    private readonly microsoft: MicrosoftEmulator,
    private readonly state: SandboxStateService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ensureDemoOrganisation();
    } catch (error) {
      // The rest of sandbox mode still works; say clearly what is missing.
      this.logger.error(`could not prepare the sandbox demo organisation: ${(error as Error).message}`);
    }
  }

  async ensureDemoOrganisation(): Promise<{ tenantId: string }> {
    const existingKey = readDemoApiKey(this.config.dataDir);
    const keyTenant = existingKey ? await this.tenantOfKey(existingKey) : undefined;
    const tenantId = keyTenant ?? (await this.ownerOfDemoDomains()) ?? (await this.tenancy.createTenant(DEMO_ORGANISATION.name)).id;
    const credentials = await this.tenancy.listDelegationCredentials(tenantId);
    const google = await this.ensureGoogleCredential(tenantId, credentials);
    const microsoft = await this.ensureMicrosoftCredential(tenantId, credentials);
    await this.ensureDomains(tenantId, { google: google.credentialId, ms: microsoft.credentialId });
    for (const user of DEMO_ORGANISATION.users) await this.tenancy.createUser(tenantId, user.externalId, user.email);
    if (keyTenant !== tenantId) {
      const { key } = await this.tenancy.issueApiKey(tenantId, DEMO_ORGANISATION.apiKeyName);
      keepDemoApiKey(this.config.dataDir, key);
      this.logger.log(`issued the demo organisation's API key; it is kept as demoApiKey in the sandbox secrets file`);
    }
    this.registerAtEmulators(google.privateKeyPem, microsoft.clientSecret);
    this.logger.log(`sandbox demo organisation ${tenantId} ready: domains ${DEMO_DOMAINS.map((d) => d.domain).join(', ')}`);
    return { tenantId };
  }

  /** The organisation the kept key acts for, if the key still works and is an organisation key. */
  private async tenantOfKey(key: string): Promise<string | undefined> {
    const principal = await this.tenancy.authenticateApiKey(key);
    return principal && principal.userId === undefined ? principal.tenantId : undefined;
  }

  /** The key file may be gone or its key revoked while the database still has the organisation. */
  private async ownerOfDemoDomains(): Promise<string | undefined> {
    for (const { domain } of DEMO_DOMAINS) {
      const owner = await this.tenancy.findDomainOwner(domain);
      if (owner) return owner;
    }
    return undefined;
  }

  private async ensureGoogleCredential(tenantId: string, credentials: DelegationCredentialEntity[]): Promise<{ credentialId: string; privateKeyPem: string }> {
    const existing = credentials.find((c) => c.provider === 'google' && c.publicConfig.serviceAccountEmail === GOOGLE.serviceAccountEmail);
    if (existing) {
      const { privateKey } = await this.tenancy.delegationSecret(tenantId, existing.id);
      return { credentialId: existing.id, privateKeyPem: privateKey };
    }
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const created = await this.tenancy.createDelegationCredential(tenantId, {
      provider: 'google',
      name: GOOGLE.credentialName,
      serviceAccountEmail: GOOGLE.serviceAccountEmail,
      privateKey: privateKeyPem,
    });
    return { credentialId: created.id, privateKeyPem };
  }

  private async ensureMicrosoftCredential(tenantId: string, credentials: DelegationCredentialEntity[]): Promise<{ credentialId: string; clientSecret: string }> {
    const existing = credentials.find((c) => c.provider === 'ms' && c.publicConfig.clientId === MICROSOFT.clientId);
    if (existing) {
      const { clientSecret } = await this.tenancy.delegationSecret(tenantId, existing.id);
      return { credentialId: existing.id, clientSecret };
    }
    // Entra ID client secrets are 40 characters with a "~" in them; the shape does not matter here.
    const clientSecret = `Dem8Q~${randomBytes(26).toString('base64url')}`;
    const created = await this.tenancy.createDelegationCredential(tenantId, {
      provider: 'ms',
      name: MICROSOFT.credentialName,
      msTenantId: MICROSOFT.directoryId,
      clientId: MICROSOFT.clientId,
      clientSecret,
    });
    return { credentialId: created.id, clientSecret };
  }

  private async ensureDomains(tenantId: string, credentialIds: Record<'google' | 'ms', string>): Promise<void> {
    const have = new Set((await this.tenancy.listDomains(tenantId)).map((d) => d.domain));
    for (const { domain, provider } of DEMO_DOMAINS) {
      if (have.has(domain)) continue;
      try {
        await this.tenancy.createDomain(tenantId, { domain, provider, delegationCredentialId: credentialIds[provider] });
      } catch (error) {
        // Another organisation authorized it (someone used the admin API): leave it there.
        if (!(error instanceof DomainException)) throw error;
        this.logger.warn(`demo domain ${domain} not added: ${error.message}`);
      }
    }
  }

  /**
   * A control-API reset brings an emulator back to its constructor seed, which cannot hold
   * these credentials (their secrets live in the database): register them again.
   */
  reapplyEmulatorRegistrations(): void {
    if (this.registered) this.registerAtEmulators(this.registered.privateKeyPem, this.registered.clientSecret);
  }

  private registerAtEmulators(privateKeyPem: string, clientSecret: string): void {
    this.registered = { privateKeyPem, clientSecret };
    const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    this.google.registerServiceAccount({ clientEmail: GOOGLE.serviceAccountEmail, publicKeyPem });
    for (const domain of GOOGLE.domains) {
      this.google.grantDomainWideDelegation({ domain, serviceAccount: GOOGLE.serviceAccountEmail, scopes: [...GOOGLE.delegatedScopes] });
    }
    this.microsoft.registerApp({
      clientId: MICROSOFT.clientId,
      clientSecret,
      tenantId: MICROSOFT.directoryId,
      displayName: MICROSOFT.appDisplayName,
      appRoles: [...MICROSOFT.appRoles],
      redirectUris: [],
    });
    this.state.markDirty('google');
    this.state.markDirty('microsoft');
  }
}
