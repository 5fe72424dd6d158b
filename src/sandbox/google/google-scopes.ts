/**
 * Which OAuth scopes authorize which Calendar API method. Each method page of the reference
 * (https://developers.google.com/calendar/api/v3/reference, section "Authorization") lists
 * them; the table below is the same list as the Calendar discovery document that googleapis
 * is generated from. A token needs at least one of the method's scopes, otherwise Google
 * answers 403 insufficientPermissions / ACCESS_TOKEN_SCOPE_INSUFFICIENT.
 */
const AUTH = 'https://www.googleapis.com/auth/';

const scopes = (...names: string[]): readonly string[] => names.map((n) => AUTH + n);

/**
 * `calendar.events.freebusy` and `calendar.events.public.readonly` are listed by Google for
 * the event readers, but they only reveal busy blocks or public events. The emulator does
 * not render those reduced views, so it leaves them out: a token holding only such a scope
 * is refused instead of being shown data Google would hide.
 */
const EVENT_READERS = scopes(
  'calendar',
  'calendar.app.created',
  'calendar.events',
  'calendar.events.owned',
  'calendar.events.owned.readonly',
  'calendar.events.readonly',
  'calendar.readonly',
);
const EVENT_WRITERS = scopes('calendar', 'calendar.app.created', 'calendar.events', 'calendar.events.owned');

export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'calendarList.list': scopes('calendar', 'calendar.calendarlist', 'calendar.calendarlist.readonly', 'calendar.readonly'),
  'calendarList.get': scopes(
    'calendar',
    'calendar.app.created',
    'calendar.calendarlist',
    'calendar.calendarlist.readonly',
    'calendar.readonly',
  ),
  'calendars.get': scopes('calendar', 'calendar.app.created', 'calendar.calendars', 'calendar.calendars.readonly', 'calendar.readonly'),
  'calendars.insert': scopes('calendar', 'calendar.app.created', 'calendar.calendars'),
  'events.list': EVENT_READERS,
  'events.get': EVENT_READERS,
  'events.instances': EVENT_READERS,
  'events.watch': EVENT_READERS,
  'events.insert': EVENT_WRITERS,
  'events.update': EVENT_WRITERS,
  'events.patch': EVENT_WRITERS,
  'events.delete': EVENT_WRITERS,
  'channels.stop': scopes(
    'calendar',
    'calendar.acls',
    'calendar.acls.readonly',
    'calendar.app.created',
    'calendar.calendarlist',
    'calendar.calendarlist.readonly',
    'calendar.events',
    'calendar.events.freebusy',
    'calendar.events.owned',
    'calendar.events.owned.readonly',
    'calendar.events.public.readonly',
    'calendar.events.readonly',
    'calendar.readonly',
    'calendar.settings',
    'calendar.settings.readonly',
  ),
};

/** The RPC name Google reports in the error's ErrorInfo metadata, e.g. calendar.v3.Events.List. */
export function rpcMethodName(method: string): string {
  const [resource, verb] = method.split('.');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `calendar.v3.${cap(resource)}.${cap(verb)}`;
}

/** True when one of the token's scopes authorizes the method. Unknown methods are refused. */
export function scopesAllow(method: string, tokenScopes: readonly string[]): boolean {
  const accepted = METHOD_SCOPES[method];
  return accepted !== undefined && tokenScopes.some((s) => accepted.includes(s));
}

/**
 * `calendar.app.created` reaches only the calendars the app itself created: true when that
 * scope is the only one of the token's scopes that authorizes the method.
 */
export function limitedToAppCreated(method: string, tokenScopes: readonly string[]): boolean {
  const accepted = METHOD_SCOPES[method] ?? [];
  const granting = tokenScopes.filter((s) => accepted.includes(s));
  return granting.length > 0 && granting.every((s) => s === `${AUTH}calendar.app.created`);
}

/**
 * `calendar.events.owned(.readonly)` reach events "on Google calendars you own" only: true when
 * those are the only scopes of the token that authorize the method (a calendar shared with the
 * mailbox is then out of reach).
 */
export function limitedToOwned(method: string, tokenScopes: readonly string[]): boolean {
  const accepted = METHOD_SCOPES[method] ?? [];
  const owned = [`${AUTH}calendar.events.owned`, `${AUTH}calendar.events.owned.readonly`];
  const granting = tokenScopes.filter((s) => accepted.includes(s));
  return granting.length > 0 && granting.every((s) => owned.includes(s));
}

/** Sign-in scopes Google accepts next to API scopes (OpenID Connect and their long forms). */
const IDENTITY_SCOPES = ['openid', 'email', 'profile', `${AUTH}userinfo.email`, `${AUTH}userinfo.profile`];

const CALENDAR_FAMILY = new Set([...Object.values(METHOD_SCOPES).flat(), `${AUTH}calendar.freebusy`]);

/**
 * Scopes Google would call invalid: a misspelt Calendar scope (anything under auth/calendar
 * that Calendar does not define) or a bare word that is not a sign-in scope. Other Google APIs'
 * scopes are left alone: they are valid at Google even though the emulator serves no such API.
 */
export function invalidScopes(requested: readonly string[]): string[] {
  return requested.filter((scope) => {
    if (IDENTITY_SCOPES.includes(scope)) return false;
    if (scope.startsWith(`${AUTH}calendar`)) return !CALENDAR_FAMILY.has(scope);
    return !scope.startsWith(AUTH);
  });
}
