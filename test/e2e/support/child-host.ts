import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A test host running in its own process (test/e2e/host/child.ts): what openApp needs, the process, and its API. */
export type ChildHost = {
  readonly origin: string;
  readonly token: string;
  readonly process: ChildProcess;
  /** Calls an API method over HTTP the way the renderer does; throws on an error answer. */
  call(method: string, input: unknown): Promise<unknown>;
  /** SIGKILL, as the OS kills a process: nothing is flushed. Resolves when it has exited. */
  kill(): Promise<void>;
};

export async function startChildHost(vaultPath: string, lang = 'en'): Promise<ChildHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/host/child.ts'), vaultPath, lang], {
    cwd: ROOT,
    env: { ...process.env, HUELLA_TEST_WEAK_KDF: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`the child host exited (${code}) before it listened`)));
  });
  const { origin, token } = JSON.parse(line) as { origin: string; token: string };
  return {
    origin,
    token,
    process: child,
    async call(method, input) {
      const res = await fetch(`${origin}/api/${encodeURIComponent(method)}`, { method: 'POST', headers: { 'x-huella-token': token, 'content-type': 'application/json' }, body: JSON.stringify(input) });
      const r = (await res.json()) as { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
