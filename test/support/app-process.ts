import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface AppProcess {
  child: ChildProcess;
  baseUrl: string;
  logs: string[];
  stop(): Promise<number | null>;
}

/**
 * Boots the real entry point (src/main.ts) in its own process, the way `npm start` does,
 * and resolves once it logs the port it listens on.
 */
export function spawnApp(env: Record<string, string | undefined>, timeoutMs = 45_000): Promise<AppProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--swc', join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not start within ${timeoutMs} ms:\n${logs.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      logs.push(chunk.toString());
      const port = /"msg":"listening on port (\d+)"/.exec(logs.join(''))?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => logs.push(more.toString()));
      resolve({ child, baseUrl: `http://127.0.0.1:${port}`, logs, stop: () => stopProcess(child) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening:\n${logs.join('')}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  // Already gone (exited, or killed by a signal such as a test's SIGKILL): nothing to wait for.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.removeAllListeners('exit');
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
