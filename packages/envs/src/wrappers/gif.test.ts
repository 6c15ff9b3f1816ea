import { decompressFrames, parseGIF } from 'gifuct-js';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DummyEnv } from '../dummy.ts';
import { makeEnv } from '../registry.ts';
import { Rng } from '../rng.ts';
import { encodeGif } from './gif.ts';
import { RecordGif } from './record_gif.ts';
import { ScriptedEnv } from './testing.ts';

function decode(bytes: Uint8Array) {
  const gif = parseGIF(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return { gif, frames: decompressFrames(gif, true) };
}

/** RGB bytes of a decoded frame's patch (RGBA) for comparison with the input. */
const rgb = (patch: Uint8ClampedArray) => Array.from(patch).filter((_, i) => i % 4 !== 3);

describe('encodeGif', () => {
  it('writes a looping GIF89a whose frames decode to exactly the input when ≤ 256 colours', () => {
    const frames = [0, 1, 2].map((t) => Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 7 + t * 50) % 256));
    const bytes = encodeGif(frames, { height: 4, width: 5, channels: 3 }, { fps: 10 });
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('GIF89a');
    const { gif, frames: out } = decode(bytes);
    expect([gif.lsd.width, gif.lsd.height]).toEqual([5, 4]);
    expect(out).toHaveLength(3);
    for (const [t, f] of out.entries()) {
      expect(f.delay).toBe(100);
      expect(rgb(f.patch)).toEqual(Array.from(frames[t]));
    }
  });

  it('upscales, expands grayscale and handles a single-colour frame', () => {
    const gray = Uint8Array.from([0, 255, 128, 64]);
    const { frames } = decode(encodeGif([gray, new Uint8Array(4)], { height: 2, width: 2, channels: 1 }, { scale: 2 }));
    expect([frames[0].dims.width, frames[0].dims.height]).toEqual([4, 4]);
    const r = rgb(frames[0].patch).filter((_, i) => i % 3 === 0);
    expect(r).toEqual([0, 0, 255, 255, 0, 0, 255, 255, 128, 128, 64, 64, 128, 128, 64, 64]);
    expect(new Set(rgb(frames[1].patch))).toEqual(new Set([0]));
  });

  it('quantises frames with more than 256 colours to something close', () => {
    const rng = new Rng(1);
    const frame = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => ((i % 96) * 2 + rng.int(8)) % 256);
    const { frames } = decode(encodeGif([frame], { height: 32, width: 32, channels: 3 }));
    const got = rgb(frames[0].patch);
    const err = got.reduce((s, v, i) => s + Math.abs(v - frame[i]), 0) / got.length;
    expect(err).toBeLessThan(12);
  });

  it('rejects bad frames and options', () => {
    const shape = { height: 2, width: 2, channels: 3 };
    expect(() => encodeGif([new Uint8Array(11)], shape)).toThrow(/frame 0 must be a Uint8Array of 2×2×3 = 12 bytes, got 11/);
    expect(() => encodeGif([], shape)).toThrow(/no frames/);
    expect(() => encodeGif([new Uint8Array(12)], { ...shape, channels: 2 })).toThrow(/channels must be 1, 3 or 4/);
    expect(() => encodeGif([new Uint8Array(12)], shape, { fps: 0 })).toThrow(/fps must be in/);
  });
});

describe('RecordGif', () => {
  it('writes one GIF per episode with a frame per step, reset frame included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gif-'));
    const env = new RecordGif(new ScriptedEnv([1, 1, 1, 1, 1]), { directory: dir, fps: 20 });
    for (let episode = 0; episode < 2; episode++) {
      let ts = env.reset(episode);
      while (!ts.terminal) ts = env.step(0);
    }
    expect(readdirSync(dir).sort()).toEqual(['scripted-000000.gif', 'scripted-000001.gif']);
    expect(env.written).toEqual([join(dir, 'scripted-000000.gif'), join(dir, 'scripted-000001.gif')]);
    const bytes = readFileSync(env.written[1]);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const { frames } = decode(bytes);
    expect(frames).toHaveLength(6);
    expect(frames.map((f) => f.delay)).toEqual([50, 50, 50, 50, 50, 50]);
    expect(frames.map((f) => f.patch[0])).toEqual([0, 40, 80, 120, 160, 200]); // ScriptedEnv fills step·40
    expect([frames[0].dims.width, frames[0].dims.height]).toEqual([3, 2]);
  });

  it('records every n-th episode, drops unfinished ones, and writes a real game a person can open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gif-'));
    const env = new RecordGif(makeEnv('minatar_breakout', { actionSet: 'minimal' }), { directory: dir, every: 2, scale: 2, prefix: 'breakout' });
    const rng = new Rng(0);
    for (let episode = 0; episode < 3; episode++) {
      let ts = env.reset(episode);
      while (!ts.terminal && !ts.truncated) ts = env.step(rng.int(3));
    }
    env.reset(3);
    env.step(0);
    env.close();
    expect(readdirSync(dir).sort()).toEqual(['breakout-000000.gif', 'breakout-000002.gif']);
    const { gif, frames } = decode(readFileSync(join(dir, 'breakout-000000.gif')));
    expect([gif.lsd.width, gif.lsd.height]).toEqual([128, 128]);
    expect(frames.length).toBeGreaterThan(2);
  });

  it('names the problem when the observation cannot be recorded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gif-'));
    expect(() => new RecordGif(new DummyEnv(), { directory: dir, key: 'pixels' })).toThrow(/key "pixels" is not an observation; available: image/);
    expect(() => new RecordGif(new ScriptedEnv([1]), { directory: dir, key: 'pos' })).toThrow(
      /needs 'pos' to be uint8 \[H, W, 1\|3\|4\], but it is float32 \[1\]/,
    );
  });
});
