// `dreamer train --backend gpujs`: the seed's debug configuration (full conv encoder/decoder on
// 64×64 images, batch 5×10) on dummy with the gpu.js backend, cut to one update (max_steps 5):
// the loss is finite, the run finishes and its checkpoint is written. The whole debug run (100
// updates) takes most of an hour in gpu.js's webasm mode on a 2-core machine (docs/benchmarks.md),
// so CI runs this slice of it.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { readMetrics } from '../log/metrics.ts';
import { main } from '../main.ts';

test('trains the debug configuration on dummy with --backend gpujs for one update', async () => {
  const logdir = mkdtempSync(join(tmpdir(), 'train-gpujs-'));
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  let code: number;
  try {
    code = await main(['train', '--logdir', logdir, '--params', '{defaults: [dreamer, debug], tasks: [dummy]}', '--backend', 'gpujs', '--set', 'max_steps=5', '--quiet']);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  const text = out.join('\n');
  console.log(text.split('\n').filter((l) => /gpujs backend|update \d/.test(l)).join('\n'));
  expect(code, text).toBe(0);
  expect(text).toMatch(/backend gpujs · presets dreamer, debug/);
  expect(text).toMatch(/gpujs backend: gpu\.js 2\.24\.1 in mode '(headlessgl|webasm|cpu)'/);
  const run = join(logdir, '00001');
  for (const f of ['DONE', 'config.yaml', 'checkpoint.safetensors', 'metrics.jsonl']) expect(existsSync(join(run, f)), f).toBe(true);
  const updates = readMetrics(join(run, 'metrics.jsonl')).filter((m) => 'objectives/model' in m);
  expect(updates.length).toBeGreaterThanOrEqual(1);
  for (const m of updates) {
    for (const [k, v] of Object.entries(m)) if (typeof v === 'number') expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
  }
});
