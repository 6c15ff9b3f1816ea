/**
 * The seed's debug command, unchanged, to completion on lavapipe (the WebGPU backend, the CLI's
 * default): `[dreamer, debug]` on dummy is 100 updates of batch 5×10 with the full-size conv
 * encoder and decoder on 64×64 images, with the collect and test phases every 10 sequences.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { parse } from 'yaml';
import { readMetrics } from './log/metrics.ts';
import { main } from './main.ts';

test('the seed debug command on dummy runs to completion on WebGPU', async () => {
  const logdir = mkdtempSync(join(tmpdir(), 'debug-run-'));
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  const start = performance.now();
  const code = await main(['train', '--logdir', logdir, '--params', '{defaults: [dreamer, debug], tasks: [dummy]}', '--quiet']);
  const seconds = (performance.now() - start) / 1000;
  log.mockRestore();
  err.mockRestore();
  expect(code, out.join('\n')).toBe(0);
  const run = join(logdir, '00001');
  for (const f of ['DONE', 'config.yaml', 'checkpoint.safetensors', 'metrics.jsonl']) expect(existsSync(join(run, f)), f).toBe(true);
  expect(parse(readFileSync(join(run, 'config.yaml'), 'utf8'))).toMatchObject({ backend: 'webgpu', cnn_depth: 32, batch_shape: [5, 10], max_steps: 500 });
  const metrics = readMetrics(join(run, 'metrics.jsonl'));
  const updates = metrics.filter((m) => typeof m['objectives/model'] === 'number');
  // max_steps 500 sequences at 5 per update.
  expect(Math.max(...metrics.map((m) => m.step as number))).toBe(500);
  for (const m of updates) for (const k of ['objectives/model', 'objectives/action', 'objectives/value']) expect(Number.isFinite(m[k]), k).toBe(true);
  const tests = metrics.filter((m) => typeof m['test_main_dummy/return'] === 'number');
  expect(tests.length).toBeGreaterThanOrEqual(5);
  console.log(`debug run: ${updates.length} logged updates, ${tests.length} test episodes, ${seconds.toFixed(0)} s`);
}, 25 * 60_000);
