import type { ProviderName } from '../providers/provider-errors';

/** The seed's provider names (GOOGLE, OUTLOOK, APPLE) ↔ the drivers'. */
export const CRM_PROVIDERS = ['GOOGLE', 'OUTLOOK', 'APPLE'] as const;
export type CrmProvider = (typeof CRM_PROVIDERS)[number];

const TO_DRIVER: Record<CrmProvider, ProviderName> = { GOOGLE: 'google', OUTLOOK: 'microsoft', APPLE: 'caldav' };

export function driverOf(provider: CrmProvider): ProviderName {
  return TO_DRIVER[provider];
}

export function crmProviderOf(name: ProviderName): CrmProvider {
  return name === 'google' ? 'GOOGLE' : name === 'microsoft' ? 'OUTLOOK' : 'APPLE';
}
