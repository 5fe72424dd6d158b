import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file under DATA_DIR where generated secrets (sandbox keys, embedded Postgres password) are kept. */
export const STORED_SECRETS_FILE = 'sandbox-secrets.json';

/**
 * Returns the secrets kept in `file`, generating and saving any that are missing. Several
 * owners share the file (config, embedded Postgres), so it is merged, never overwritten,
 * and a secret is saved before it is used: a crash cannot lose one that is already in use.
 */
export function ensureStoredSecrets<K extends string>(file: string, generators: Record<K, () => string>): Record<K, string> {
  const stored = readStoredSecrets(file);
  const missing = (Object.keys(generators) as K[]).filter((name) => typeof stored[name] !== 'string' || stored[name] === '');
  if (missing.length > 0) {
    for (const name of missing) stored[name] = generators[name]();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    // `mode` only applies when the file is created; one made by hand may be world-readable.
    chmodSync(file, 0o600);
  }
  return stored as Record<K, string>;
}

function readStoredSecrets(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
