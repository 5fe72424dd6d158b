import { GraphHttpError } from './graph-errors';
import type { Principal } from './graph-model';

/** Permissions any one of which lets a call through, per token kind (least privileged first). */
export interface PermissionRule {
  delegated: string[];
  application: string[];
  /** Outlook resources answer ErrorAccessDenied; directory resources Authorization_RequestDenied. */
  denied: 'outlook' | 'directory';
}

const calendarsRead = ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'];
const userRead = ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const directoryRead = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

/**
 * The "Permissions" tables of the Graph v1.0 reference pages for the calls the emulator
 * serves (each row names its page). Higher-privileged permissions in the same family
 * are listed too, as the pages do.
 */
export const PERMISSIONS = {
  // event-get, user-list-events, user-list-calendarview, event-list-instances, user-list-calendars, calendar-get
  readCalendars: { delegated: calendarsRead, application: calendarsRead, denied: 'outlook' },
  // event-delta: Calendars.ReadBasic is not listed for delta
  readCalendarDelta: { delegated: ['Calendars.Read', 'Calendars.ReadWrite'], application: ['Calendars.Read', 'Calendars.ReadWrite'], denied: 'outlook' },
  // user-post-events, event-update, event-delete, user-post-calendars, calendar-update, calendar-delete
  writeCalendars: { delegated: ['Calendars.ReadWrite'], application: ['Calendars.ReadWrite'], denied: 'outlook' },
  // user-get-mailboxsettings
  readMailboxSettings: { delegated: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'], application: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'], denied: 'outlook' },
  // user-get (/me and /users/{id})
  readUser: { delegated: userRead, application: directoryRead, denied: 'directory' },
  // user-list
  listUsers: { delegated: userRead.filter((p) => p !== 'User.Read' && p !== 'User.ReadWrite'), application: directoryRead, denied: 'directory' },
  // subscription-post-subscriptions, resource "event": Calendars.Read
  subscribeEvents: { delegated: ['Calendars.Read', 'Calendars.ReadWrite'], application: ['Calendars.Read', 'Calendars.ReadWrite'], denied: 'outlook' },
} satisfies Record<string, PermissionRule>;

function granted(principal: Principal): string[] {
  return (principal.kind === 'user' ? principal.scopes : principal.roles).map((p) => p.toLowerCase());
}

/** 403 in Graph's own words unless the token carries one of the rule's permissions. */
export function requirePermission(principal: Principal, rule: PermissionRule): void {
  const allowed = (principal.kind === 'user' ? rule.delegated : rule.application).map((p) => p.toLowerCase());
  const have = granted(principal);
  if (allowed.some((p) => have.includes(p))) return;
  throw rule.denied === 'outlook'
    ? new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.')
    : new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/**
 * Calendars.ReadBasic reads events "except for properties such as body, attachments,
 * and extensions" (permissions reference): true when that is all the token has.
 */
export function readsBasicOnly(principal: Principal): boolean {
  const have = granted(principal);
  return have.includes('calendars.readbasic') && !have.includes('calendars.read') && !have.includes('calendars.readwrite');
}

/** Which rule a request below /me or /users/{id} needs: by method and the path's segments. */
export function mailboxRule(method: string, rest: string[]): PermissionRule {
  const lower = rest.map((s) => s.toLowerCase());
  if (lower.length === 0) return PERMISSIONS.readUser;
  if (lower[0] === 'mailboxsettings') return PERMISSIONS.readMailboxSettings;
  if (method !== 'GET') return PERMISSIONS.writeCalendars;
  const view = lower.indexOf('calendarview');
  if (view >= 0 && lower[view + 1] === 'delta') return PERMISSIONS.readCalendarDelta;
  return PERMISSIONS.readCalendars;
}

/** Delegated Graph permissions the identity platform knows (a name outside this list → AADSTS650053). */
const KNOWN_DELEGATED = new Set(
  [
    ...Object.values(PERMISSIONS).flatMap((r: PermissionRule) => r.delegated),
    'Calendars.Read.Shared', 'Calendars.ReadWrite.Shared', 'Calendars.ReadBasic', 'MailboxSettings.ReadWrite',
    'Mail.Read', 'Mail.ReadWrite', 'Mail.Send', 'Contacts.Read', 'Contacts.ReadWrite', 'Group.Read.All', 'email', 'profile', 'openid', 'offline_access',
  ].map((p) => p.toLowerCase()),
);

export function isKnownDelegatedPermission(name: string): boolean {
  return KNOWN_DELEGATED.has(name.toLowerCase());
}
