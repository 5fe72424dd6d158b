import express, { type Request, type Response } from 'express';
import { readJsonBody } from '../shared/raw-body';
import type { FaultRule } from '../shared/fault-injector';
import type { MicrosoftEmulator } from './microsoft-emulator';
import type { LifecycleEvent } from './graph-subscriptions';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (req: Request, body: Record<string, unknown>) => unknown;

/** JSON in, JSON out; control errors answer {"error":{"code","message"}}. */
function wrap(handler: Handler, status = 200) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const body = ((await readJsonBody(req)) ?? {}) as Record<string, unknown>;
      const result = await handler(req, body);
      if (result === undefined) res.status(204).end();
      else res.status(status).json(result);
    } catch (err) {
      const code = err instanceof ControlError ? err.status : 400;
      res.status(code).json({ error: { code: code === 404 ? 'NotFound' : 'BadRequest', message: (err as Error).message } });
    }
  };
}

const param = (req: Request, name: string): string => String(req.params[name]);

/** HTTP face of the emulator's control methods, for curl users and out-of-process tests. */
export function controlRouter(emulator: MicrosoftEmulator): express.Router {
  const r = express.Router();
  r.post('/directories', wrap((_req, b) => emulator.createDirectory(b as never), 201));
  r.get('/mailboxes', wrap(() => ({ value: emulator.listMailboxes() })));
  r.post('/mailboxes', wrap((_req, b) => emulator.createMailbox(b as never), 201));
  r.post('/mailboxes/:mailbox/calendars', wrap((req, b) => emulator.createCalendar(param(req, 'mailbox'), String(b.name ?? ''), b.id as string | undefined), 201));
  r.post('/mailboxes/:mailbox/shared-calendars', wrap((req, b) => emulator.addSharedCalendar(param(req, 'mailbox'), b), 201));
  r.get('/mailboxes/:mailbox/events', wrap((req) => ({ value: emulator.listStoredEvents(param(req, 'mailbox'), typeof req.query.calendarId === 'string' ? req.query.calendarId : undefined) })));
  r.post('/mailboxes/:mailbox/events', wrap((req, b) => emulator.seedEvent(param(req, 'mailbox'), b), 201));
  r.post('/mailboxes/:mailbox/revoke', wrap((req, b) => ({ revoked: emulator.revokeGrants(param(req, 'mailbox'), b.clientId as string | undefined) })));
  r.post('/mailboxes/:mailbox/expire-delta-tokens', wrap((req) => ({ expired: emulator.expireDeltaTokens(param(req, 'mailbox')) })));
  r.post('/apps', wrap((_req, b) => emulator.registerApp(b as never), 201));
  r.post('/tokens', wrap((_req, b) => emulator.issueToken(b as never), 201));
  r.get('/requests', wrap(() => emulator.requestCounts()));
  r.delete('/requests', wrap(() => void emulator.resetRequestCounts()));
  r.get('/faults', wrap(() => ({ value: emulator.faults.list(), latencyMs: emulator.faults.latencyMs })));
  r.post('/faults', wrap((_req, b) => void emulator.injectFault(b as unknown as FaultRule)));
  r.delete('/faults', wrap(() => void emulator.clearFaults()));
  r.put('/latency', wrap((_req, b) => void emulator.setLatency(Number(b.ms ?? 0))));
  r.get('/throttling', wrap(() => emulator.throttling()));
  r.put('/throttling', wrap((_req, b) => emulator.setThrottling(b as never)));
  r.get('/subscriptions', wrap(() => ({ value: emulator.listSubscriptions() })));
  r.post('/subscriptions/:id/lifecycle', wrap(async (req, b) => ({ status: await emulator.triggerLifecycleNotification(param(req, 'id'), b.lifecycleEvent as LifecycleEvent) })));
  r.get('/notifications', wrap(() => ({ value: emulator.notificationDeliveries() })));
  r.post('/reset', wrap(() => void emulator.reset()));
  return r;
}
