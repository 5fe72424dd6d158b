import type { ProviderKind } from '../database/entities/provider-kind';

export const LINK_ACTIONS = ['add', 'delete'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** The seed's `POST /links` fields, in the seed's order. */
export const LINK_REQUEST_FIELDS = [
  'action',
  'sourceEmail',
  'sourceType',
  'sourceTz',
  'destinationEmail',
  'destinationType',
  'destinationTz',
  'policy',
  'tag',
] as const;

/** A validated `add`: e-mails lower-cased, policy normalised. */
export interface AddLinkRequest {
  action: 'add';
  sourceEmail: string;
  sourceType: ProviderKind;
  sourceTz: string;
  destinationEmail: string;
  destinationType: ProviderKind;
  destinationTz: string;
  /** Normalised (`subject|location`), as stored on the link. */
  policy: string;
  tag: string | null;
}

export interface DeleteLinkRequest {
  action: 'delete';
  sourceEmail: string;
  sourceType: ProviderKind;
  destinationEmail: string;
  destinationType: ProviderKind;
}

export type LinkRequest = AddLinkRequest | DeleteLinkRequest;
