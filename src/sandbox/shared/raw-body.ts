import type { IncomingMessage } from 'node:http';

/** Default cap: a Google batch of 1000 small events fits comfortably. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export class InvalidJsonError extends Error {
  constructor(message: string) {
    super(message);
  }
}

/**
 * The emulators are mounted before any body parser, so they read bodies themselves.
 * If something upstream already consumed the stream, its parsed/raw body is reused.
 */
export async function readRawBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const already = (req as IncomingMessage & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(already)) return already;
  if (req.readableEnded) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  }).then((buf) => {
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
    return buf;
  });
}

export async function readTextBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  return (await readRawBody(req, limit)).toString('utf8');
}

/** Empty body → undefined; malformed JSON → InvalidJsonError. */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  return parseJsonText(await readTextBody(req, limit));
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidJsonError((err as Error).message);
  }
}

export async function readFormBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, string>> {
  const params = new URLSearchParams(await readTextBody(req, limit));
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}
