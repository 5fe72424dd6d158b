import { Injectable } from '@nestjs/common';
import type { DelegationCredentialEntity } from '../database/entities/delegation-credential.entity';
import type { DomainEntity } from '../database/entities/domain.entity';
import type { ProviderKind } from '../database/entities/provider-kind';
import type { CalendarAccess, ProviderCredentials } from '../providers/calendar-provider';
import { ProviderError, ProviderName } from '../providers/provider-errors';
import { TenancyService } from './tenancy.service';

/** The Links API and domains say `ms`; the provider port says `microsoft`. */
export function providerNameOf(kind: ProviderKind): ProviderName {
  return kind === 'ms' ? 'microsoft' : kind;
}

/** The domain part of an e-mail address, lower-cased: what `domains` rows are keyed by. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * A delegation credential of the organisation → an unsealed CalendarAccess for one mailbox.
 * Shared by Links (both ends of a link) and DestinationCalendars / Connections (a calendar
 * reached through `delegationCredentialId`). Secrets are unsealed only here and never logged.
 */
@Injectable()
export class DelegationAccessService {
  constructor(private readonly tenancy: TenancyService) {}

  /** The organisation's domain row for the mailbox's domain (its provider and delegation credential), as it stands now; null when not authorized. */
  async domainFor(tenantId: string, mailbox: string): Promise<DomainEntity | null> {
    const domain = domainOf(mailbox);
    return (await this.tenancy.listDomains(tenantId)).find((candidate) => candidate.domain === domain) ?? null;
  }

  /** 404 DomainException when the credential is not this tenant's. */
  async accessFor(tenantId: string, credentialId: string, mailbox: string): Promise<CalendarAccess> {
    const secret = await this.tenancy.delegationSecret(tenantId, credentialId);
    const credential = (await this.tenancy.listDelegationCredentials(tenantId)).find((candidate) => candidate.id === credentialId);
    if (!credential) throw new Error('delegation credential vanished between two reads');
    return { mailbox, credentials: toCredentials(credential, secret) };
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
