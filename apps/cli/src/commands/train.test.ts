import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { parse } from 'yaml';
import { readEvents } from '../log/tensorboard.ts';
import { readMetrics } from '../log/metrics.ts';
import { main } from '../main.ts';

function capture() {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  return { out, restore: () => (log.mockRestore(), err.mockRestore()) };
}

describe('dreamer train', () => {
  test('rejects unknown params with the nearest key, and a missing logdir', async () => {
    const c = capture();
    expect(await main(['train', '--logdir', '/tmp/unused', '--params', '{defaults: [dreamer], batch_shap: [1, 2]}'])).toBe(2);
    expect(await main(['train', '--params', '{}'])).toBe(2);
    expect(await main(['train', '--logdir', '/tmp/unused', '--task', 'walker_rn'])).toBe(2);
    c.restore();
    expect(c.out.join('\n')).toMatch(/'batch_shap' \(did you mean 'batch_shape'\?\)/);
    expect(c.out.join('\n')).toMatch(/--logdir is required/);
    expect(c.out.join('\n')).toMatch(/walker_rn.*walker_run/s);
  });

  test('runs the seed command on dummy, writes the run directory, and does not rerun a done run', async () => {
    const logdir = mkdtempSync(join(tmpdir(), 'train-'));
    const c = capture();
    const args = ['train', '--logdir', logdir, '--params', '{defaults: [dreamer, debug], tasks: [dummy]}', '--set', 'max_steps=10', '--set', 'imagination_horizon=3', '--set', 'backend=cpu', '--quiet'];
    expect(await main(args)).toBe(0);
    const run = join(logdir, '00001');
    for (const f of ['DONE', 'config.yaml', 'checkpoint.safetensors', 'metrics.jsonl']) expect(existsSync(join(run, f)), f).toBe(true);
    expect(parse(readFileSync(join(run, 'config.yaml'), 'utf8'))).toMatchObject({ tasks: ['dummy'], batch_shape: [5, 10], model_size: 10 });
    const metrics = readMetrics(join(run, 'metrics.jsonl'));
    expect(metrics.some((m) => typeof m['objectives/model'] === 'number')).toBe(true);
    expect(metrics.some((m) => typeof m['test_main_dummy/return'] === 'number')).toBe(true);
    expect(existsSync(join(run, 'PING'))).toBe(false);
    const eventsDir = join(run, 'events');
    const { readdirSync } = await import('node:fs');
    const events = readEvents(join(eventsDir, readdirSync(eventsDir)[0]));
    expect(events.some((e) => e.summary?.value.some((v) => v.tag === 'objectives/model'))).toBe(true);
    expect(await main(args)).toBe(0);
    c.restore();
    expect(c.out.join('\n')).toMatch(/every run in .* is done or taken/);
  }, 180_000);
});
