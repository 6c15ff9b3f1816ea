// Test helpers: python3 + numpy, when this machine has them, as an independent npz reader/writer.
import { spawnSync } from 'node:child_process';

function probe(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** numpy's version, or null when python3 or numpy is missing. */
export const NUMPY_VERSION = probe();
if (!NUMPY_VERSION) console.warn('python3 with numpy not found: the numpy interoperability tests are skipped');

/** Run a Python snippet (argv available as sys.argv[1:]) and parse the JSON it prints. */
export function python(script: string, ...args: string[]): unknown {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
