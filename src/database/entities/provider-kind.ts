/** The provider families a domain or a delegation credential can belong to. */
export const PROVIDER_KINDS = ['google', 'ms', 'caldav'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
