/** The typed configuration object; built once at boot by loadConfig(). */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicBaseUrl: string;
  /** External Postgres; undefined means "start the embedded one". */
  databaseUrl?: string;
  /** `secretsFile` keeps the generated superuser password (with the sandbox secrets). */
  embeddedPostgres: { dataDir: string; port: number; secretsFile: string };
  dataDir: string;
  encryptionKey: Buffer;
  adminToken: string;
  jwt: {
    secret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    tenantClaim: string;
  };
  sandbox: boolean;
  google?: { clientId: string; clientSecret: string };
  microsoft?: { clientId: string; clientSecret: string; tenant: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  /** Requests per minute per client IP on public endpoints; 0 disables. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** Node HTTP server timeouts: slow or stalled clients are cut after these. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /** How long an authenticated API key is remembered (revocations evict at once); 0 disables. */
  apiKeyCacheSeconds: number;
  sync: { pastDays: number; futureDays: number };
  /** Bearer token for /metrics; unset means /metrics answers to loopback peers only. */
  metricsToken?: string;
  /** How long the app waits on Postgres before answering 503 (see DatabaseTimeouts). */
  database: { connectMs: number; statementMs: number };
  /** Express `trust proxy`: false (default), a hop count, or trusted proxy addresses/subnets. */
  trustProxy: false | number | string[];
  /** Requests per minute per mailbox the Google driver allows itself (Google's per-user quota is 600). */
  googleRequestsPerMinute: number;

  connections: {
    /**
     * Where Google and Microsoft send the browser back after consent: the SPA's callback route.
     * `{provider}` (if present) is replaced by `google` or `outlook`. Must be registered with the
     * provider's OAuth client (the sandbox emulators register it themselves).
     */
    redirectUri: string;
    /** How long POST /apple/credentials waits for the CalDAV login before answering 400 (unreachable). */
    checkTimeoutMs: number;
  };
  destinationCalendars: {
    /**
     * How long GET /v2/calendars (and the check behind PUT /v2/destination-calendars) waits for one
     * account's calendar list; past it that account is reported as unreachable instead of the whole
     * answer waiting out the drivers' retries.
     */
    listingTimeoutMs: number;
  };

  links: {
    /** Jobs this replica runs at once (different tenants); 0: this replica only enqueues. */
    queueConcurrency: number;
    /** An active link whose last sync is older than this is synced by the cron. */
    staleAfterSeconds: number;
    /** The stale-sync cron (each minute); off in tests that drive the sweep themselves. */
    cronEnabled: boolean;
    /** First back-off after a failure; doubles per consecutive failure, capped at 24 hours. */
    failureBackoffSeconds: number;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
