import { createConnection, createServer, Socket } from 'node:net';

export interface FreezableProxy {
  port: number;
  /** Stop forwarding: bytes in either direction are swallowed, as with a hung server or a dead link. */
  freeze(): void;
  /** Forward again; connections that lived through the freeze are reset (their streams lost bytes). */
  thaw(): void;
  close(): Promise<void>;
}

/** A TCP proxy on loopback to `target`, which can be frozen to simulate a database that stops answering. */
export function startFreezableProxy(target: { host: string; port: number }): Promise<FreezableProxy> {
  let frozen = false;
  const open = new Set<Socket>();
  const frozenThrough = new Set<Socket>();
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    const upstream = createConnection(target);
    track(upstream);
    client.on('data', (chunk) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        freeze: () => {
          frozen = true;
          for (const socket of open) frozenThrough.add(socket);
        },
        thaw: () => {
          frozen = false;
          for (const socket of frozenThrough) socket.destroy();
          frozenThrough.clear();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
