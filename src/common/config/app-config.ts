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
}

export const APP_CONFIG = Symbol('APP_CONFIG');
