import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

let trained = '';

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

  test('seed task names: dmlab_keys is a clear error, atari_<game> and dmlab_collect say what runs instead', async () => {
    const c = capture();
    expect(await main(['train', '--logdir', '/tmp/unused', '--task', 'dmlab_keys'])).toBe(2);
    expect(await main(['train', '--logdir', '/tmp/unused-dmlab', '--task', 'dmlab_collect', '--set', 'backend=cpu'])).toBe(2);
    // A continuous actor cannot drive a discrete game: a usage error before any run is claimed.
    expect(await main(['train', '--logdir', '/tmp/unused-atari', '--task', 'atari_boxing', '--set', 'backend=cpu'])).toBe(2);
    c.restore();
    const text = c.out.join('\n');
    expect(text).toMatch(/dmlab_keys: DeepMind Lab .* no stand-in exists yet/);
    expect(text).toMatch(/dmlab_collect: runs room_collect, our first-person/);
    expect(text).toMatch(/atari_boxing: runs minatar_breakout instead \(no Atari ROMs can ship/);
    expect(text).toMatch(/use the discrete preset/);
    expect(existsSync('/tmp/unused-atari/00001')).toBe(false);
    expect(existsSync('/tmp/unused-dmlab/00001')).toBe(false);
  });

  test('runs the seed command on dummy, writes the run directory, and does not rerun a done run', async () => {
    const logdir = mkdtempSync(join(tmpdir(), 'train-'));
    const c = capture();
    // cnn_depth 4 keeps the conv nets small enough for a quick CPU test; the rest is the seed's debug run.
    const args = ['train', '--logdir', logdir, '--params', '{defaults: [dreamer, debug], tasks: [dummy]}', '--set', 'max_steps=10', '--set', 'imagination_horizon=3', '--set', 'cnn_depth=4', '--set', 'backend=cpu', '--quiet'];
    expect(await main(args)).toBe(0);
    const run = join(logdir, '00001');
    for (const f of ['DONE', 'config.yaml', 'checkpoint.safetensors', 'metrics.jsonl']) expect(existsSync(join(run, f)), f).toBe(true);
    expect(parse(readFileSync(join(run, 'config.yaml'), 'utf8'))).toMatchObject({ tasks: ['dummy'], batch_shape: [5, 10], model_size: 10 });
    const metrics = readMetrics(join(run, 'metrics.jsonl'));
    expect(metrics.some((m) => typeof m['objectives/model'] === 'number')).toBe(true);
    expect(metrics.some((m) => typeof m['test_main_dummy/return'] === 'number')).toBe(true);
    expect(existsSync(join(run, 'PING'))).toBe(false);
    const eventsDir = join(run, 'events');
    const events = readEvents(join(eventsDir, readdirSync(eventsDir)[0]));
    expect(events.some((e) => e.summary?.value.some((v) => v.tag === 'objectives/model'))).toBe(true);
    // The test phase at 10 sequences: its episode as a GIF, the open-loop strip as a PNG, both also in TensorBoard.
    expect(readFileSync(join(run, 'videos', 'test-10.gif')).subarray(0, 6).toString()).toBe('GIF89a');
    expect(readFileSync(join(run, 'openloop', '10.png')).subarray(1, 4).toString()).toBe('PNG');
    const images = events.flatMap((e) => e.summary?.value ?? []).filter((v) => 'image' in v);
    expect(images.map((v) => v.tag).sort()).toEqual(['openloop/image', 'test_main_dummy/video']);
    expect(metrics.some((m) => typeof m['openloop/image_abs_error'] === 'number')).toBe(true);
    expect(await main(args)).toBe(0);
    c.restore();
    const text = c.out.join('\n');
    expect(text).toMatch(/dreamer train: run .*00001 \(new\) · task dummy · backend cpu · presets dreamer, debug/);
    expect(text).toMatch(/update 1\/2 · \d+ env steps · .* upd\/s · world model [\d.]+ \(image [\d.]+, reward [-\d.]+, KL [\d.]+\) · value [-\d.]+ · actor [-\d.]+/);
    expect(text).toMatch(/every run in .* is done or taken/);
    trained = run;
  }, 180_000);

  test('runs the seed Atari command (discrete, pcont, atari presets) on its MinAtar stand-in with a tiny model', async () => {
    const logdir = mkdtempSync(join(tmpdir(), 'train-atari-'));
    const c = capture();
    const tiny = ['action_repeat=1', 'batch_shape=[2,8]', 'model_size=16', 'state_size=4', 'num_units=16', 'cnn_depth=4', 'imagination_horizon=5', 'max_steps=8', 'backend=cpu'];
    const args = ['train', '--logdir', logdir, '--task', 'atari_breakout', '--params', '{defaults: [dreamer, discrete, pcont, atari, debug]}', ...tiny.flatMap((s) => ['--set', s]), '--quiet'];
    expect(await main(args)).toBe(0);
    c.restore();
    expect(c.out.join('\n')).toMatch(/atari_breakout: runs minatar_breakout/);
    const run = join(logdir, '00001');
    for (const f of ['DONE', 'config.yaml', 'checkpoint.safetensors', 'metrics.jsonl']) expect(existsSync(join(run, f)), f).toBe(true);
    expect(parse(readFileSync(join(run, 'config.yaml'), 'utf8'))).toMatchObject({
      tasks: ['minatar_breakout'],
      action_head_dist: 'onehot_score',
      action_noise_type: 'epsilon_greedy',
      clip_rewards: 'tanh',
      gradient_heads: ['image', 'reward', 'pcont'],
      action_loss_pcont: true,
      max_length: 27000,
    });
    const updates = readMetrics(join(run, 'metrics.jsonl')).filter((m) => typeof m['objectives/model'] === 'number');
    expect(updates).toHaveLength(4);
    for (const m of updates) for (const k of ['objectives/model', 'objectives/pcont', 'objectives/action', 'objectives/value']) expect(Number.isFinite(m[k]), k).toBe(true);
  }, 120_000);

  test('eval runs the trained policy, prints the returns and writes videos and eval.json', async () => {
    expect(trained, 'needs the run of the previous test').toBeTruthy();
    const c = capture();
    expect(await main(['eval', '--logdir', dirname(trained), '--episodes', '2', '--set', 'backend=cpu'])).toBe(0);
    expect(await main(['eval', '--logdir', trained, '--checkpoint', '/nonexistent.safetensors'])).toBe(2);
    c.restore();
    const text = c.out.join('\n');
    expect(text).toMatch(/checkpoint at update 2 /);
    expect(text).toMatch(/episode 1\/2: return [\d.]+ · length 20/);
    expect(text).toMatch(/mean return [\d.]+ ± [\d.]+ over 2 episodes/);
    expect(text).toMatch(/no checkpoint at \/nonexistent.safetensors/);
    const report = JSON.parse(readFileSync(join(trained, 'eval', 'eval.json'), 'utf8')) as { episodes: { return: number; video: string }[]; mean_return: number; updates: number };
    expect(report.updates).toBe(2);
    expect(report.episodes).toHaveLength(2);
    expect(report.mean_return).toBeCloseTo((report.episodes[0].return + report.episodes[1].return) / 2);
    for (const e of report.episodes) expect(readFileSync(e.video).subarray(0, 6).toString()).toBe('GIF89a');
  }, 120_000);
});
