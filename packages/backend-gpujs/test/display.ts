// An X display for headless-gl in tests: headless-gl opens its GL context through X (GLX via
// ANGLE), so on a machine without one this starts Xvfb (Mesa's software GL renders behind it)
// and points DISPLAY at it. Returns null, with the reason, where neither exists.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let server: ChildProcess | null = null;

export async function ensureDisplay(): Promise<{ display: string | null; reason: string }> {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, reason: 'DISPLAY is set' };
  if (spawnSync('Xvfb', ['-help'], { stdio: 'ignore' }).error) return { display: null, reason: 'no DISPLAY and no Xvfb on PATH' };
  for (let n = 90 + (process.pid % 50); n < 200; n++) {
    if (existsSync(`/tmp/.X${n}-lock`)) continue;
    // -terminate: the server also exits by itself when its last client (this process) goes away.
    const proc = spawn('Xvfb', [`:${n}`, '-screen', '0', '64x64x24', '-nolisten', 'tcp', '-terminate'], { stdio: 'ignore' });
    const started = await new Promise<boolean>((resolve) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (existsSync(`/tmp/.X11-unix/X${n}`)) {
          clearInterval(poll);
          resolve(true);
        } else if (proc.exitCode !== null || Date.now() - t0 > 10_000) {
          clearInterval(poll);
          resolve(false);
        }
      }, 50);
    });
    if (!started) {
      proc.kill();
      continue;
    }
    server = proc;
    process.once('exit', () => stopDisplay());
    process.env.DISPLAY = `:${n}`;
    return { display: `:${n}`, reason: `started Xvfb :${n}` };
  }
  return { display: null, reason: 'Xvfb did not start' };
}

/** Stops the Xvfb this process started, if any. */
export function stopDisplay(): void {
  server?.kill();
  server = null;
}
