import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server wrote before it closed the connection (or `maxWaitMs` passed). */
  text: string;
  /** Milliseconds from the last byte we wrote until the server closed; undefined if it did not. */
  closedAfterMs?: number;
}

/**
 * Writes `payload` over a bare TCP connection — for what fetch cannot send: half a body,
 * oversized header blocks, malformed request lines — and collects the raw answer.
 */
export function rawExchange(baseUrl: string, payload: string | Buffer, maxWaitMs = 5000): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let sentAt = 0;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), ...(closed ? { closedAfterMs: performance.now() - sentAt } : {}) });
    };
    const timer = setTimeout(() => finish(false), maxWaitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? finish(true) : reject(error)));
    socket.write(payload, () => {
      sentAt = performance.now();
    });
  });
}

/** Status line, headers and JSON body of a raw HTTP/1.1 answer. */
export function parseRawResponse(text: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const bodyText = rest.join('\r\n\r\n');
  return { status: Number(statusLine.split(' ')[1]), headers, body: bodyText ? JSON.parse(bodyText) : undefined };
}
