import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { HostAnswer, HostMessage, HostReady, HostReport, HostSetup } from './emulator-host';

/** The parent's side of bench/support/emulator-host.ts: forks it and talks to it over IPC. */
export interface EmulatorHost {
  ready: HostReady;
  /** Forgets the request counts (and restarts the peak memory figure) before the measured sync. */
  clear(): Promise<void>;
  report(): Promise<HostReport>;
  close(): Promise<void>;
}

export async function startEmulatorHost(setup: HostSetup): Promise<EmulatorHost> {
  // Compiled (bench/support/compiled-bench.ts): plain node; from the sources: ts-node with swc.
  const compiled = __filename.endsWith('.js');
  const child = fork(join(__dirname, compiled ? 'emulator-host.js' : 'emulator-host.ts'), [], {
    execArgv: compiled ? [] : ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_SWC: 'true' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (message: HostMessage, expected: HostAnswer['type']): Promise<HostAnswer> => request(child, message, expected);
  try {
    const answer = await ask({ type: 'setup', setup }, 'ready');
    if (answer.type !== 'ready') throw new Error('unexpected answer');
    return {
      ready: answer.ready,
      clear: async () => void (await ask({ type: 'clear' }, 'cleared')),
      report: async () => {
        const reported = await ask({ type: 'report' }, 'report');
        if (reported.type !== 'report') throw new Error('unexpected answer');
        return reported.report;
      },
      close: () => stop(child, ask),
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function request(child: ChildProcess, message: HostMessage, expected: HostAnswer['type']): Promise<HostAnswer> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: HostAnswer): void => {
      cleanUp();
      if (answer.type === 'error') reject(new Error(`emulator host: ${answer.message}`));
      else if (answer.type !== expected) reject(new Error(`emulator host answered ${answer.type}, expected ${expected}`));
      else resolve(answer);
    };
    const onExit = (code: number | null): void => {
      cleanUp();
      reject(new Error(`emulator host exited (${code})`));
    };
    const cleanUp = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(message);
  });
}

async function stop(child: ChildProcess, ask: (message: HostMessage, expected: HostAnswer['type']) => Promise<HostAnswer>): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await ask({ type: 'close' }, 'closed').catch(() => undefined);
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(force);
}
