import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sandboxSecretsPath } from '../../common/config/load-config';

/**
 * The demo API key in clear lives only in the sandbox secrets file (mode 0600), beside the
 * secrets sandbox mode generated; the database keeps its hash like any other key.
 */
export function readDemoApiKey(dataDir: string): string | undefined {
  const key = readSecretsFile(dataDir).demoApiKey;
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

export function keepDemoApiKey(dataDir: string, key: string): void {
  const file = sandboxSecretsPath(dataDir);
  const contents = { ...readSecretsFile(dataDir), demoApiKey: key };
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(contents, null, 2), { mode: 0o600 });
  renameSync(temp, file);
}

function readSecretsFile(dataDir: string): Record<string, unknown> {
  const file = sandboxSecretsPath(dataDir);
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object`);
  return parsed as Record<string, unknown>;
}
