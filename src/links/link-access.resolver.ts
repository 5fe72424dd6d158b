import { Injectable } from '@nestjs/common';
import type { CalendarAccess, ProviderCredentials } from '../providers/calendar-provider';
import { ProviderError, ProviderName } from '../providers/provider-errors';
import type { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import type { DomainEntity } from '../database/entities/domain.entity';
import type { ProviderKind } from '../database/entities/provider-kind';
import { TenancyService } from '../tenancy/tenancy.service';

/** The Links API says `ms`; the provider port says `microsoft`. */
export function providerNameOf(kind: ProviderKind): ProviderName {
  return kind === 'ms' ? 'microsoft' : kind;
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** Why a mailbox cannot be reached through the organisation's delegation. */
export type DomainCheck =
  | { ok: true; domain: DomainEntity }
  | { ok: false; reason: 'not-authorized' }
  | { ok: false; reason: 'wrong-provider'; provider: ProviderKind };

/**
 * Mailbox → its domain → the organisation's delegation credential → unsealed CalendarAccess.
 * Secrets are unsealed only here, just before a job uses them, and never logged.
 */
@Injectable()
export class LinkAccessResolver {
  constructor(private readonly tenancy: TenancyService) {}

  /** Whether the organisation authorized the mailbox's domain, for this provider. */
  async checkDomain(tenantId: string, email: string, kind: ProviderKind): Promise<DomainCheck> {
    const domain = (await this.tenancy.listDomains(tenantId)).find((candidate) => candidate.domain === domainOf(email));
    if (!domain) return { ok: false, reason: 'not-authorized' };
    if (domain.provider !== kind) return { ok: false, reason: 'wrong-provider', provider: domain.provider };
    return { ok: true, domain };
  }

  /** PERMISSION_DENIED when the domain was de-authorized since the link was made. */
  async accessFor(tenantId: string, email: string, kind: ProviderKind): Promise<CalendarAccess> {
    const provider = providerNameOf(kind);
    const check = await this.checkDomain(tenantId, email, kind);
    if (!check.ok) {
      throw new ProviderError('PERMISSION_DENIED', `The domain ${domainOf(email)} is not authorized for ${kind} in this organisation`, { provider });
    }
    const credential = (await this.tenancy.listDelegationCredentials(tenantId)).find((c) => c.id === check.domain.delegationCredentialId);
    if (!credential) {
      throw new ProviderError('PERMISSION_DENIED', `The delegation credential of ${check.domain.domain} is gone`, { provider });
    }
    const secret = await this.tenancy.delegationSecret(tenantId, credential.id);
    return { mailbox: email, credentials: toCredentials(credential, secret) };
  }
}

/** The shapes TenancyService stores (public half in publicConfig, secret half sealed). */
export function toCredentials(credential: Pick<DelegationCredentialEntity, 'provider' | 'publicConfig'>, secret: Record<string, string>): ProviderCredentials {
  const config = credential.publicConfig;
  const provider = providerNameOf(credential.provider);
  const need = (value: string | undefined, field: string): string => {
    if (!value) throw new ProviderError('PERMISSION_DENIED', `The delegation credential has no ${field}`, { provider });
    return value;
  };
  switch (credential.provider) {
    case 'google':
      return { kind: 'google-service-account', clientEmail: need(config.serviceAccountEmail, 'serviceAccountEmail'), privateKey: need(secret.privateKey, 'privateKey') };
    case 'ms':
      return {
        kind: 'microsoft-app',
        tenantId: need(config.msTenantId, 'msTenantId'),
        clientId: need(config.clientId, 'clientId'),
        clientSecret: need(secret.clientSecret, 'clientSecret'),
      };
    case 'caldav':
      return {
        kind: 'caldav-basic',
        serverUrl: need(config.serverUrl, 'serverUrl'),
        username: need(config.username, 'username'),
        password: need(secret.password, 'password'),
        ...(config.calendarHomeTemplate ? { calendarHomeTemplate: config.calendarHomeTemplate } : {}),
      };
  }
}
