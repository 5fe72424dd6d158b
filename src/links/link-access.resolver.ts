import { Injectable } from '@nestjs/common';
import type { CalendarAccess } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-errors';
import type { DomainEntity } from '../database/entities/domain.entity';
import type { ProviderKind } from '../database/entities/provider-kind';
import { DelegationAccessService, domainOf, providerNameOf } from '../tenancy/delegation-access.service';

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
  constructor(private readonly delegation: DelegationAccessService) {}

  /** Whether the organisation authorized the mailbox's domain, for this provider. */
  async checkDomain(tenantId: string, email: string, kind: ProviderKind): Promise<DomainCheck> {
    const domain = await this.delegation.domainFor(tenantId, email);
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
    // domains → delegation_credentials is ON DELETE RESTRICT: a domain's credential exists.
    return this.delegation.accessFor(tenantId, check.domain.delegationCredentialId, email);
  }
}
