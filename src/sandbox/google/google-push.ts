import { arrayOf } from '../shared/state-shape';
import { postNotification } from '../shared/webhook-notifier';
import { errors } from './google-errors';
import { stableId } from './google-ids';
import { httpDate } from './google-time';
import type { Calendar } from './google-types';

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  token?: string;
  expiration: number;
  address: string;
  calendarId: string;
  calendarUid: string;
  owner: string;
  messageNumber: number;
  stopped: boolean;
}

export interface Delivery {
  channelId: string;
  state: 'sync' | 'exists' | 'not_exists';
  messageNumber: number;
  status: number;
}

export interface WatchRequest {
  id?: unknown;
  type?: unknown;
  address?: unknown;
  token?: unknown;
  expiration?: unknown;
  params?: { ttl?: unknown };
}

/**
 * Notification channels for events.watch, per
 * https://developers.google.com/calendar/api/guides/push : a `sync` message right after
 * creation, then one `exists` message per change of the watched calendar.
 */
export class PushChannels {
  readonly channels = new Map<string, Channel>();
  readonly deliveries: Delivery[] = [];
  /** Per-channel promise chain keeps message numbers in order at the receiver. */
  private queues = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: () => number,
    private readonly defaultTtlSeconds: number,
    private readonly timeoutMs = 5000,
  ) {}

  watch(calendar: Calendar, body: WatchRequest, resourceUri: string): Record<string, unknown> {
    const id = typeof body.id === 'string' ? body.id : '';
    if (!id) throw errors.required('Required channel id.', 'id');
    if (id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(id)) throw errors.invalid('Invalid channel id.', 'id');
    if (body.type !== 'web_hook' && body.type !== 'webhook') throw errors.invalid('Invalid channel type.', 'type');
    const address = typeof body.address === 'string' ? body.address : '';
    if (!/^https?:\/\//i.test(address)) throw errors.invalid('Invalid channel address.', 'address');
    if (this.channels.has(id) && !this.channels.get(id)?.stopped) {
      throw errors.invalid(`Channel id ${id} not unique`, 'id');
    }
    const channel: Channel = {
      id,
      resourceId: stableId('events', calendar.uid),
      resourceUri,
      token: typeof body.token === 'string' ? body.token : undefined,
      expiration: this.expirationFor(body),
      address,
      calendarId: calendar.id,
      calendarUid: calendar.uid,
      owner: calendar.owner,
      messageNumber: 0,
      stopped: false,
    };
    this.channels.set(id, channel);
    this.send(channel, 'sync');
    return render(channel);
  }

  private expirationFor(body: WatchRequest): number {
    const now = this.clock();
    const ttl = Number(body.params?.ttl);
    if (Number.isFinite(ttl) && ttl > 0) return now + ttl * 1000;
    const requested = Number(body.expiration);
    const max = now + this.defaultTtlSeconds * 1000;
    return Number.isFinite(requested) && requested > now ? Math.min(requested, max) : max;
  }

  stop(body: { id?: unknown; resourceId?: unknown }, owner: string): void {
    const channel = typeof body.id === 'string' ? this.channels.get(body.id) : undefined;
    if (!channel || channel.stopped || channel.resourceId !== body.resourceId || channel.owner !== owner) {
      throw errors.notFound(`Channel '${String(body.id)}' not found for project 'emulator'`);
    }
    channel.stopped = true;
  }

  /** Called by the store on each write to a calendar. */
  notifyChange(calendar: Calendar): void {
    for (const channel of this.channels.values()) {
      if (channel.stopped || channel.calendarUid !== calendar.uid) continue;
      if (channel.expiration <= this.clock()) {
        channel.stopped = true;
        continue;
      }
      this.send(channel, 'exists');
    }
  }

  private send(channel: Channel, state: Delivery['state']): void {
    channel.messageNumber += 1;
    const messageNumber = channel.messageNumber;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': httpDate(channel.expiration),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
    };
    if (channel.token !== undefined) headers['X-Goog-Channel-Token'] = channel.token;
    const previous = this.queues.get(channel.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const status = await postNotification(channel.address, headers, undefined, this.timeoutMs);
      this.deliveries.push({ channelId: channel.id, state, messageNumber, status });
    });
    this.queues.set(channel.id, next);
  }

  /** Resolves once every notification queued so far has been attempted. */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  list(): Record<string, unknown>[] {
    return [...this.channels.values()].map((c) => ({ ...render(c), address: c.address, calendarId: c.calendarId, stopped: c.stopped }));
  }

  /** Live channels survive a restart (Google keeps a channel until it expires or is stopped). */
  exportChannels(): Channel[] {
    const now = this.clock();
    return [...this.channels.values()].filter((c) => !c.stopped && c.expiration > now);
  }

  importChannels(channels: Channel[]): void {
    this.reset();
    for (const channel of arrayOf<Channel>(channels, 'google.channels')) this.channels.set(channel.id, channel);
  }

  reset(): void {
    this.channels.clear();
    this.deliveries.length = 0;
    this.queues.clear();
  }
}

function render(channel: Channel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'api#channel',
    id: channel.id,
    resourceId: channel.resourceId,
    resourceUri: channel.resourceUri,
    expiration: String(channel.expiration),
  };
  if (channel.token !== undefined) out.token = channel.token;
  return out;
}
