import type { Request, Response, Router } from 'express';
import type { FaultRule } from '../shared/fault-injector';
import { readJsonBody } from '../shared/raw-body';
import type { GoogleEmulator } from './google-emulator';
import type { SeedEvent } from './google-types';

type Handler = (req: Request, body: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * JSON control API under /_control, mirroring GoogleEmulator's public methods so that
 * out-of-process tools (curl, benchmarks) can drive the sandbox. Errors answer 400 {error}.
 */
export function registerControlRoutes(router: Router, emulator: GoogleEmulator, controlToken?: string): void {
  if (controlToken) {
    router.use('/_control', (req, res, next) => {
      if (req.get('authorization') === `Bearer ${controlToken}`) return next();
      res.status(401).json({ error: 'control API requires Authorization: Bearer <controlToken>' });
    });
  }
  const on = (method: 'get' | 'post' | 'put' | 'delete', path: string, handler: Handler) =>
    router[method](`/_control${path}`, (req, res) => run(req, res, handler));

  on('post', '/reset', () => emulator.reset());
  on('get', '/clients', () => emulator.listClients());
  on('post', '/clients', (_r, b) => emulator.registerClient(b as never));
  on('get', '/mailboxes', () => emulator.listMailboxes());
  on('post', '/mailboxes', (_r, b) => emulator.createMailbox(b as never));
  on('get', '/mailboxes/:email/calendars', (r) => emulator.listCalendars(param(r, 'email')));
  on('post', '/mailboxes/:email/calendars', (r, b) => emulator.createCalendar(param(r, 'email'), b));
  on('post', '/mailboxes/:email/tokens', (r, b) => emulator.issueTokens({ ...b, mailbox: param(r, 'email') }));
  on('get', '/mailboxes/:email/events', (r) =>
    emulator.readEvents(param(r, 'email'), typeof r.query.calendarId === 'string' ? r.query.calendarId : undefined),
  );
  on('get', '/calendars/:calendarId/events', (r) => emulator.readEvents(param(r, 'calendarId')));
  on('post', '/calendars/:calendarId/events', (r, b) => emulator.seedEvents(param(r, 'calendarId'), seedList(b)));
  on('post', '/calendars/:calendarId/acl', (r, b) => emulator.shareCalendar(param(r, 'calendarId'), b as never));
  on('post', '/calendars/:calendarId/expire-sync-tokens', (r) => emulator.expireSyncTokens(param(r, 'calendarId')));
  on('get', '/requests', () => emulator.requestCounts());
  on('delete', '/requests', () => emulator.resetRequestCounts());
  on('get', '/faults', () => emulator.listFaults());
  on('post', '/faults', (_r, b) => emulator.injectFault(faultRule(b)));
  on('delete', '/faults', () => emulator.clearFaults());
  on('put', '/latency', (_r, b) => emulator.setLatency(Number(b.ms ?? 0)));
  on('post', '/grants/revoke', (_r, b) => ({ revoked: emulator.revokeGrant(b as never) }));
  on('put', '/quota', (_r, b) => emulator.setQuota(b as never));
  on('put', '/paging', (_r, b) => emulator.setPaging(b as never));
  on('put', '/auto-consent', (_r, b) => emulator.setAutoConsent(b.value as boolean | string));
  on('post', '/service-accounts', (_r, b) => emulator.registerServiceAccount(b as never));
  on('post', '/domain-delegations', (_r, b) => emulator.grantDomainWideDelegation(b as never));
  on('delete', '/domain-delegations', (_r, b) => emulator.revokeDomainWideDelegation(b as never));
  on('get', '/channels', () => emulator.listChannels());
  on('get', '/notifications', async () => {
    await emulator.flushNotifications();
    return emulator.notificationLog();
  });
}

async function run(req: Request, res: Response, handler: Handler): Promise<void> {
  try {
    const raw = await readJsonBody(req);
    const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const result = await handler(req, Array.isArray(raw) ? { events: raw } : body);
    if (result === undefined) res.status(204).end();
    else res.status(200).json(result);
  } catch (err) {
    res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
  }
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}

function seedList(body: Record<string, unknown>): SeedEvent[] {
  if (Array.isArray(body.events)) return body.events as SeedEvent[];
  return [body as SeedEvent];
}

function faultRule(body: Record<string, unknown>): FaultRule {
  const status = Number(body.status);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error('status must be an HTTP status code');
  return { ...(body as object), status, count: Number(body.count ?? 1) } as FaultRule;
}
