import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postNotification } from './webhook-notifier';

describe('postNotification', () => {
  it('posts headers and JSON body and returns the status', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = 202;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const status = await postNotification(`http://127.0.0.1:${port}/hook`, { 'X-Test': 'yes' }, { a: 1 });
    server.close();
    expect(status).toBe(202);
    expect(received[0].headers['x-test']).toBe('yes');
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0].body)).toEqual({ a: 1 });
  });

  it('returns 0 when nobody listens', async () => {
    expect(await postNotification('http://127.0.0.1:1/none', {})).toBe(0);
  });
});
