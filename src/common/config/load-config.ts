import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';
import { ensureStoredSecrets, STORED_SECRETS_FILE } from './stored-secrets';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;
/** Where a sandbox listens when HOST is not set. */
export const SANDBOX_HOST = '127.0.0.1';

/**
 * Reads and validates every variable at once, so a bad deployment learns about all of
 * its mistakes in one boot, each named by its variable.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const reader = new EnvReader(env, problems);

  const nodeEnv = reader.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const port = reader.int('PORT', 18080, 0, 65535);
  const dataDir = resolve(reader.string('DATA_DIR') ?? '.data');
  const google = reader.pair('GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET');
  const msPair = reader.pair('MS_CLIENT_ID', 'MS_CLIENT_SECRET');
  const sandbox = decideSandbox(reader, nodeEnv, Boolean(google || msPair));
  // A sandbox is a developer's machine: it does not answer the network unless HOST says so.
  const host = reader.string('HOST') ?? (sandbox ? SANDBOX_HOST : '0.0.0.0');

  const needsGeneratedSecrets = ['ENCRYPTION_KEY', 'ADMIN_TOKEN'].some((name) => !reader.string(name)) || (!reader.string('JWT_SECRET') && !reader.string('JWT_JWKS_URL'));
  const secrets = sandbox && needsGeneratedSecrets ? sandboxSecrets(dataDir) : undefined;
  const encryptionKey = reader.key('ENCRYPTION_KEY', secrets?.encryptionKey);
  const adminToken = reader.secret('ADMIN_TOKEN', 16, secrets?.adminToken);
  const jwtSecret = reader.secretOptional('JWT_SECRET', 32) ?? secrets?.jwtSecret;
  const jwksUrl = reader.url('JWT_JWKS_URL');
  if (!jwtSecret && !jwksUrl) problems.push('JWT_SECRET or JWT_JWKS_URL is required (how user tokens are verified)');

  const publicBaseUrl = (reader.url('PUBLIC_BASE_URL') ?? `http://localhost:${port}`).replace(/\/$/, '');
  const config: AppConfig = {
    nodeEnv,
    port,
    host,
    publicBaseUrl,
    databaseUrl: reader.postgresUrl('DATABASE_URL'),
    embeddedPostgres: {
      dataDir: resolve(reader.string('EMBEDDED_PG_DIR') ?? join(dataDir, 'postgres')),
      port: reader.int('EMBEDDED_PG_PORT', 54329, 1, 65535),
      secretsFile: join(dataDir, STORED_SECRETS_FILE),
    },
    dataDir,
    encryptionKey: encryptionKey ?? Buffer.alloc(0),
    adminToken: adminToken ?? '',
    jwt: {
      secret: jwtSecret,
      jwksUrl,
      issuer: reader.string('JWT_ISSUER'),
      audience: reader.string('JWT_AUDIENCE'),
      tenantClaim: reader.string('JWT_TENANT_CLAIM') ?? 'tenant_id',
    },
    sandbox,
    google,
    microsoft: msPair ? { ...msPair, tenant: reader.string('MS_TENANT') ?? 'common' } : undefined,
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    corsOrigins: (reader.string('CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    rateLimitPerMinute: reader.int('RATE_LIMIT_PER_MINUTE', 1200, 0, 1_000_000),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 256 * 1024, 1024, 50 * 1024 * 1024),
    http: httpTimeouts(reader),
    apiKeyCacheSeconds: reader.int('API_KEY_CACHE_SECONDS', 30, 0, 3600),
    sync: {
      pastDays: reader.int('SYNC_PAST_DAYS', 30, 0, 3650),
      futureDays: reader.int('SYNC_FUTURE_DAYS', 365, 1, 3650),
    },
    metricsToken: reader.secretOptional('METRICS_TOKEN', 16),
    trustProxy: reader.trustProxy('TRUST_PROXY'),
    database: {
      connectMs: reader.int('DB_CONNECT_TIMEOUT_MS', 5000, 100, 120_000),
      statementMs: reader.int('DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    },
    googleRequestsPerMinute: reader.int('GOOGLE_REQUESTS_PER_MINUTE', 500, 1, 1_000_000),
    destinationCalendars: {
      listingTimeoutMs: reader.int('CALENDAR_LISTING_TIMEOUT_MS', 5_000, 100, 120_000),
    },

    connections: {
      redirectUri: reader.url('CONNECTIONS_REDIRECT_URI') ?? `${publicBaseUrl}/connections/{provider}/callback`,
      checkTimeoutMs: reader.int('CONNECTIONS_CHECK_TIMEOUT_MS', 20_000, 100, 120_000),
    },

    links: {
      queueConcurrency: reader.int('LINKS_QUEUE_CONCURRENCY', 4, 0, 64),
      staleAfterSeconds: reader.int('LINKS_STALE_AFTER_SECONDS', 300, 60, 86_400),
      cronEnabled: reader.bool('LINKS_CRON_ENABLED') ?? true,
      failureBackoffSeconds: reader.int('LINKS_FAILURE_BACKOFF_SECONDS', 300, 1, 86_400),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Node's defaults (300 s to send a request) let a client that sends half a body hold a
 * connection for five minutes. Node itself requires headers ≤ request timeout.
 */
function httpTimeouts(reader: EnvReader): AppConfig['http'] {
  const headersTimeoutMs = reader.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = reader.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const keepAliveTimeoutMs = reader.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    reader.problem(`HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}

/**
 * Sandbox runs the built-in emulators instead of real providers. It is the default on a
 * developer machine with no provider credentials, and must be asked for in production.
 */
function decideSandbox(reader: EnvReader, nodeEnv: AppConfig['nodeEnv'], hasProviderCredentials: boolean): boolean {
  const explicit = reader.bool('SANDBOX');
  if (explicit !== undefined) return explicit;
  if (nodeEnv !== 'production') return !hasProviderCredentials;
  if (!hasProviderCredentials) {
    reader.problem(
      'no provider credentials: set GOOGLE_CLIENT_ID + GOOGLE_CLIENT_SECRET and/or MS_CLIENT_ID + MS_CLIENT_SECRET, ' +
        'or SANDBOX=true to run against the built-in emulators',
    );
  }
  return false;
}

interface SandboxSecrets {
  encryptionKey: string;
  adminToken: string;
  jwtSecret: string;
}

/** Where sandbox mode keeps what it generated (secrets, and the demo organisation's API key). */
export function sandboxSecretsPath(dataDir: string): string {
  return join(dataDir, STORED_SECRETS_FILE);
}

/**
 * Sandbox mode needs working secrets on first boot without any setup. They are generated
 * once and kept beside the embedded database so that a restart can still decrypt its data.
 * Other members of the file (the demo API key) are kept as they are.
 */
function sandboxSecrets(dataDir: string): SandboxSecrets {
  return ensureStoredSecrets(sandboxSecretsPath(dataDir), {
    encryptionKey: () => randomBytes(32).toString('base64'),
    adminToken: () => `sandbox-admin-${randomBytes(16).toString('hex')}`,
    jwtSecret: () => randomBytes(32).toString('base64'),
  });
}

const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isTrustedProxyEntry(entry: string): boolean {
  if (PROXY_ADDRESS_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return undefined;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  }

  url(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (!['http:', 'https:'].includes(url.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return undefined;
    }
  }

  postgresUrl(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name} must be a postgres:// URL`);
      return undefined;
    }
  }

  pair(idName: string, secretName: string): { clientId: string; clientSecret: string } | undefined {
    const clientId = this.string(idName);
    const clientSecret = this.string(secretName);
    if (!clientId && !clientSecret) return undefined;
    if (!clientId || !clientSecret) {
      this.problems.push(`${idName} and ${secretName} must be set together`);
      return undefined;
    }
    return { clientId, clientSecret };
  }

  /**
   * Which peers may tell us the client's address in `X-Forwarded-For` (express's `trust proxy`):
   * off by default, else a hop count or the proxies' addresses and subnets. `true` is refused:
   * it would let every client choose its own address and so its own rate-limit budget.
   */
  trustProxy(name: string): false | number | string[] {
    const raw = this.string(name);
    if (raw === undefined || ['false', 'off', 'no'].includes(raw.toLowerCase())) return false;
    if (/^\d+$/.test(raw)) {
      const hops = Number(raw);
      if (hops <= 32) return hops === 0 ? false : hops;
    }
    const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    const invalid = entries.filter((entry) => !isTrustedProxyEntry(entry));
    if (entries.length === 0 || invalid.length > 0) {
      this.problems.push(
        `${name} must be false, a hop count (0-32) or a comma-separated list of proxy addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal (got "${raw}")`,
      );
      return false;
    }
    return entries;
  }

  /** A 32-byte key given as 64 hex characters or base64. */
  key(name: string, fallback?: string): Buffer | undefined {
    const raw = this.string(name) ?? fallback;
    if (raw === undefined) {
      this.problems.push(`${name} is required: 32 random bytes as 64 hex characters or base64 (openssl rand -base64 32)`);
      return undefined;
    }
    const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32) {
      this.problems.push(`${name} must decode to exactly 32 bytes (64 hex characters or base64)`);
      return undefined;
    }
    return key;
  }

  secret(name: string, minLength: number, fallback?: string): string | undefined {
    const value = this.secretOptional(name, minLength) ?? fallback;
    if (value === undefined && !this.problems.some((p) => p.startsWith(`${name} `))) {
      this.problems.push(`${name} is required (at least ${minLength} characters)`);
    }
    return value;
  }

  secretOptional(name: string, minLength: number): string | undefined {
    const value = this.string(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters`);
      return undefined;
    }
    return value;
  }
}
