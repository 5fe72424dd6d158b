import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../common/config/app-config';
import { Principal } from './principal';

export const API_KEY_REVOKED_CHANNEL = 'cb_api_key_revoked';
const MAX_ENTRIES = 10_000;
const RECONNECT_MAX_MS = 30_000;

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Remembers recently authenticated keys so the hot path skips a database round trip.
 * Revocation must still be immediate on every replica, so a revoke is broadcast with
 * Postgres NOTIFY and every replica LISTENs and evicts. The cache only serves while its
 * LISTEN connection is up (a revoke broadcast while it is down is missed): `get` is that one
 * guard. Whatever was cached before an outage is dropped when the listener is back; the TTL
 * is a second guard.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private listener?: Client;
  private listening = false;
  private closed = false;
  private reconnectDelayMs = 1_000;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
  ) {
    this.ttlMs = config.apiKeyCacheSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    if (this.ttlMs > 0) await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    await this.listener?.end().catch(() => undefined);
  }

  get(keyHash: string): Principal | undefined {
    // Not listening: a revoke could have been missed, so every key goes to the database.
    if (!this.listening) return undefined;
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(keyHash);
      return undefined;
    }
    return entry.principal;
  }

  set(keyHash: string, principal: Principal): void {
    // Stryker disable next-line ConditionalExpression: equivalent — an entry stored while not listening is never served (get checks first) and listen() clears the map before listening again; the return only saves memory.
    if (!this.listening) return; // it would not be served, and is dropped on reconnect anyway
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(keyHash, { principal, expiresAt: Date.now() + this.ttlMs });
  }

  /** Evicts here at once and tells every other replica to evict too. */
  async revoked(keyHash: string): Promise<void> {
    this.entries.delete(keyHash);
    await this.dataSource.query('SELECT pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, keyHash]);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: (this.dataSource.options as { url?: string }).url });
    client.on('notification', (message) => {
      if (message.channel === API_KEY_REVOKED_CHANNEL && message.payload) this.entries.delete(message.payload);
    });
    client.on('error', (error) => this.lostListener(error));
    client.on('end', () => this.lostListener());
    try {
      await client.connect();
      await client.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
      this.listener = client;
      // Entries from before an outage may have missed a revoke sent during it.
      this.entries.clear();
      this.listening = true;
      this.reconnectDelayMs = 1_000;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lostListener(error);
    }
  }

  private lostListener(error?: unknown): void {
    if (this.closed) return;
    const wasListening = this.listening;
    this.listening = false;
    if (wasListening) this.logger.warn({ err: error }, 'API key revocation listener lost; serving keys from the database until it is back');
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }
}
