import type { NestExpressApplication } from '@nestjs/platform-express';
import { CONNECTION_SYNC_HOOKS, type ConnectionSyncHooks } from '../../src/connections/connection-sync.types';
import { createTenantWithKey } from '../support/fixtures';
import { http, type JsonResponse } from '../support/http';
import { type SandboxApp, startSandboxApp } from '../support/user-connections';
import { sql } from '../links/sql';

export const CRM = '/api/v1/crm/calendar/connections';
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What the sync half was told, and whether the connection row still existed when it was. */
export const hookCalls: { hook: 'queueSync' | 'forgetConnection'; tenantId: string; userId: number; connectionId: number; rowExisted?: boolean }[] = [];
let hookDatabaseUrl = '';

/**
 * Records what the connect half tells the sync half (CONNECTION_SYNC_HOOKS), then lets the real
 * sync half do its work: the hooks object is the app's own ConnectionSyncService, wrapped.
 */
function recordHookCalls(app: NestExpressApplication): void {
  const hooks = app.get<ConnectionSyncHooks>(CONNECTION_SYNC_HOOKS, { strict: false });
  const queueSync = hooks.queueSync.bind(hooks);
  const forgetConnection = hooks.forgetConnection.bind(hooks);
  hooks.queueSync = async (tenantId, userId, connectionId) => {
    hookCalls.push({ hook: 'queueSync', tenantId, userId, connectionId });
    return queueSync(tenantId, userId, connectionId);
  };
  hooks.forgetConnection = async (tenantId, userId, connectionId) => {
    const rows = await sql(hookDatabaseUrl, 'SELECT id FROM connections WHERE id = $1', [connectionId]);
    hookCalls.push({ hook: 'forgetConnection', tenantId, userId, connectionId, rowExisted: rows.length === 1 });
    return forgetConnection(tenantId, userId, connectionId);
  };
}

/** The shared sandbox app, with `base` for its URL. */
export type ConnectionsApp = SandboxApp & { base: string };

/**
 * The shared sandbox app (test/support/user-connections.ts) with the emulators' consent pages on
 * (these tests answer them like a browser), no queue worker (queued syncs stay queued), and the
 * hooks the connect half calls recorded.
 */
export async function startConnectionsApp(overrides: Record<string, string> = {}): Promise<ConnectionsApp> {
  const sandbox = await startSandboxApp({ LINKS_QUEUE_CONCURRENCY: '0', ...overrides });
  hookDatabaseUrl = sandbox.database.url;
  sandbox.google.setAutoConsent(false);
  sandbox.microsoft.setAutoConsent(false);
  recordHookCalls(sandbox.app);
  return Object.assign(sandbox, { base: sandbox.baseUrl });
}

/** A tenant and a minted user JWT per subject (the user row is made on the token's first use). */
export async function createUsers(t: ConnectionsApp, name: string, subjects: string[]): Promise<{ tenantId: string; tokens: Record<string, string> }> {
  const { tenantId } = await createTenantWithKey(t.base, t.adminToken, name);
  const tokens: Record<string, string> = {};
  for (const sub of subjects) {
    const minted = await http(t.base, 'POST', `/admin/tenants/${tenantId}/tokens`, { headers: { 'x-admin-token': t.adminToken }, json: { sub } });
    if (minted.status !== 201) throw new Error(`token: ${minted.status} ${minted.text}`);
    tokens[sub] = minted.body.accessToken;
  }
  return { tenantId, tokens };
}

export function crm(t: ConnectionsApp, token: string | undefined, method: string, path: string, json?: unknown): Promise<JsonResponse> {
  return http(t.base, method, `${CRM}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, json });
}

/** A CRM error body with its exact status, title and detail, and a fresh `time`. */
export function expectCrmError(response: JsonResponse, status: number, title: string, detail: string): void {
  expect({ status: response.status, keys: Object.keys(response.body ?? {}).sort(), title: response.body?.title, detail: response.body?.detail }).toEqual({
    status,
    keys: ['detail', 'time', 'title'],
    title,
    detail,
  });
  expect(response.body.time).toMatch(ISO);
  expect(Math.abs(Date.parse(response.body.time) - Date.now())).toBeLessThan(60_000);
}

// ─── the browser at the provider's consent page ──────────────────────────────────────────

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeHtml(match[1]) : undefined;
}

/**
 * Opens the consent URL, picks `account` on the page and presses Allow/Accept, posting the form
 * exactly as a browser would (hidden fields, the chosen radio, the pressed button). Returns the
 * redirect the provider answers (the SPA callback route with code and state).
 */
export async function consentAs(consentUrl: string, account: string): Promise<URL> {
  const page = await fetch(consentUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${html.slice(0, 300)}`);
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no consent form on the page');
  const fields = new URLSearchParams();
  for (const [tag] of form[2].matchAll(/<input type="hidden"[^>]*>/g)) fields.append(attribute(tag, 'name') as string, attribute(tag, 'value') ?? '');
  const radio = [...form[2].matchAll(/<label><input type="radio"([^>]*)>([^<]*)<\/label>/g)].find(([, , label]) => unescapeHtml(label).includes(`<${account}>`));
  if (!radio) throw new Error(`${account} is not offered on the consent page`);
  fields.set(attribute(radio[1], 'name') as string, attribute(radio[1], 'value') as string);
  const button = [...form[2].matchAll(/<button type="submit"([^>]*)>(Allow|Accept)<\/button>/g)][0];
  if (!button) throw new Error('no Allow/Accept button');
  fields.set(attribute(button[1], 'name') as string, attribute(button[1], 'value') as string);
  const posted = await fetch(new URL(unescapeHtml(form[1]), consentUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  if (posted.status !== 302) throw new Error(`consent answer: ${posted.status} ${(await posted.text()).slice(0, 300)}`);
  return new URL(posted.headers.get('location') as string);
}
