import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * Reads and validates every variable at once, so a bad deployment learns about all of
 * its mistakes in one boot, each named by its variable.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const reader = new EnvReader(env, problems);

  const nodeEnv = reader.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const port = reader.int('PORT', 18080, 0, 65535);
  const host = reader.string('HOST') ?? '0.0.0.0';
  const dataDir = resolve(reader.string('DATA_DIR') ?? '.data');
  const google = reader.pair('GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET');
  const msPair = reader.pair('MS_CLIENT_ID', 'MS_CLIENT_SECRET');
  const sandbox = decideSandbox(reader, nodeEnv, Boolean(google || msPair));

  const needsGeneratedSecrets = ['ENCRYPTION_KEY', 'ADMIN_TOKEN'].some((name) => !reader.string(name)) || (!reader.string('JWT_SECRET') && !reader.string('JWT_JWKS_URL'));
  const secrets = sandbox && needsGeneratedSecrets ? sandboxSecrets(dataDir) : undefined;
  const encryptionKey = reader.key('ENCRYPTION_KEY', secrets?.encryptionKey);
  const adminToken = reader.secret('ADMIN_TOKEN', 16, secrets?.adminToken);
  const jwtSecret = reader.secretOptional('JWT_SECRET', 32) ?? secrets?.jwtSecret;
  const jwksUrl = reader.url('JWT_JWKS_URL');
  if (!jwtSecret && !jwksUrl) problems.push('JWT_SECRET or JWT_JWKS_URL is required (how user tokens are verified)');

  const config: AppConfig = {
    nodeEnv,
    port,
    host,
    publicBaseUrl: (reader.url('PUBLIC_BASE_URL') ?? `http://localhost:${port}`).replace(/\/$/, ''),
    databaseUrl: reader.postgresUrl('DATABASE_URL'),
    embeddedPostgres: {
      dataDir: resolve(reader.string('EMBEDDED_PG_DIR') ?? join(dataDir, 'postgres')),
      port: reader.int('EMBEDDED_PG_PORT', 54329, 1, 65535),
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
    apiKeyCacheSeconds: reader.int('API_KEY_CACHE_SECONDS', 30, 0, 3600),
    sync: {
      pastDays: reader.int('SYNC_PAST_DAYS', 30, 0, 3650),
      futureDays: reader.int('SYNC_FUTURE_DAYS', 365, 1, 3650),
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

/**
 * Sandbox mode needs working secrets on first boot without any setup. They are generated
 * once and kept beside the embedded database so that a restart can still decrypt its data.
 */
function sandboxSecrets(dataDir: string): SandboxSecrets {
  const file = join(dataDir, 'sandbox-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SandboxSecrets;
  const secrets: SandboxSecrets = {
    encryptionKey: randomBytes(32).toString('base64'),
    adminToken: `sandbox-admin-${randomBytes(16).toString('hex')}`,
    jwtSecret: randomBytes(32).toString('base64'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
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
