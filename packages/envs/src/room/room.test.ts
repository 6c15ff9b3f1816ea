import { describe, expect, test } from 'vitest';
import { makeEnv } from '../registry.ts';
import { RoomCollect } from './env.ts';
import { AGENT_RADIUS, MOVE_PER_FRAME, ROOM_HALF, TURN_PER_FRAME, type RoomObject } from './world.ts';

const FORWARD = 1;
const BACKWARD = 2;
const STRAFE_LEFT = 3;
const TURN_LEFT = 5;
const TURN_RIGHT = 6;
const STEP = 4 * MOVE_PER_FRAME;

/** A fresh episode with the agent and objects where a test wants them (small images: rules only). */
function arranged(x: number, y: number, heading: number, objects: [number, number, boolean][], size = 16): RoomCollect {
  const env = new RoomCollect({ size });
  env.reset(0);
  Object.assign(env.room, { x, y, heading });
  env.room.objects = objects.map(([ox, oy, good]): RoomObject => ({ x: ox, y: oy, yaw: 0, good, alive: true }));
  return env;
}

/** A good object in a far corner, so the episode does not end when the room has none left. */
const FAR_GOOD: [number, number, boolean] = [-2.5, -2.5, true];

describe('room_collect', () => {
  test('specs, shapes and clear errors', () => {
    const env = makeEnv('room_collect');
    expect(env.observationSpec.image).toMatchObject({ shape: [64, 64, 3], dtype: 'uint8', low: 0, high: 255 });
    expect(env.actionSpec).toEqual({
      kind: 'discrete',
      n: 9,
      names: ['noop', 'forward', 'backward', 'strafe_left', 'strafe_right', 'turn_left', 'turn_right', 'forward_turn_left', 'forward_turn_right'],
    });
    expect(() => env.step(0)).toThrow(/before reset/);
    const first = env.reset(0);
    expect(first).toMatchObject({ reward: 0, discount: 1, terminal: false, truncated: false });
    expect(first.observation.image).toBeInstanceOf(Uint8Array);
    expect(first.observation.image).toHaveLength(64 * 64 * 3);
    expect(first.info).toMatchObject({ step: 0, frame: 0, goodLeft: 4, badLeft: 4 });
    const next = env.step(FORWARD);
    expect(next.observation.image).toHaveLength(64 * 64 * 3);
    expect(next.info).toMatchObject({ step: 1, frame: 4 });
    expect(() => env.step(9)).toThrow(/invalid action 9; expected an integer index in \[0, 8\].*8=forward_turn_right/);
    expect(() => env.step(1.5)).toThrow(/invalid action 1.5/);
    expect(() => makeEnv('room_collect', { numGod: 3 } as object)).toThrow(/unknown option 'numGod'/);
    expect(() => makeEnv('room_collect', { actionRepeat: 0 })).toThrow(/actionRepeat must be a positive integer/);
  });

  test('deterministic under a seed', () => {
    const run = (seed: number) => {
      const env = new RoomCollect({ size: 16 });
      const steps = [env.reset(seed)];
      for (const a of [1, 1, 7, 5, 8, 3, 4, 2]) steps.push(env.step(a));
      return { steps, room: structuredClone({ ...env.room }) };
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8).room.objects).not.toEqual(a.room.objects);
  });

  test('moving goes one step size per action and walls block', () => {
    const env = arranged(0, 0, 0, [FAR_GOOD]);
    env.step(FORWARD);
    expect(env.room.x).toBeCloseTo(STEP, 12);
    expect(env.room.y).toBeCloseTo(0, 12);
    env.step(STRAFE_LEFT);
    expect(env.room.y).toBeCloseTo(STEP, 12);
    env.step(BACKWARD);
    expect(env.room.x).toBeCloseTo(0, 12);

    const wall = arranged(ROOM_HALF - 0.3, 0, 0, [FAR_GOOD]);
    for (let i = 0; i < 3; i++) wall.step(FORWARD);
    expect(wall.room.x).toBeCloseTo(ROOM_HALF - AGENT_RADIUS, 12);
  });

  test('turning changes the heading by four frames of turn', () => {
    const env = arranged(0, 0, 1, [FAR_GOOD]);
    env.step(TURN_LEFT);
    expect(env.room.heading).toBeCloseTo(1 + 4 * TURN_PER_FRAME, 12);
    env.step(TURN_RIGHT);
    env.step(TURN_RIGHT);
    expect(env.room.heading).toBeCloseTo(1 - 4 * TURN_PER_FRAME, 12);
    expect(env.room.x).toBe(0);
  });

  test('touching a good object gives +1, a bad one −1, and removes it', () => {
    const env = arranged(0, 0, 0, [[0.6, 0, true], [0.6, 0.6, false], FAR_GOOD]);
    const good = env.step(FORWARD);
    expect(good).toMatchObject({ reward: 1, terminal: false, discount: 1 });
    expect(good.info).toMatchObject({ goodLeft: 1, badLeft: 1 });
    expect(env.room.objects[0].alive).toBe(false);
    env.step(STRAFE_LEFT);
    const bad = env.step(STRAFE_LEFT);
    expect(bad).toMatchObject({ reward: -1, terminal: false });
    expect(bad.info).toMatchObject({ goodLeft: 1, badLeft: 0 });
    expect(env.step(BACKWARD).reward).toBe(0);
  });

  test('the last good object ends the episode with discount 0', () => {
    const env = arranged(0, 0, 0, [[0.6, 0, true], [-2, 2, false]]);
    const ts = env.step(FORWARD);
    expect(ts).toMatchObject({ reward: 1, terminal: true, truncated: false, discount: 0 });
    expect(ts.info).toMatchObject({ frame: 3 }); // stops at the touching frame
    expect(() => env.step(0)).toThrow(/after the episode ended/);
  });

  test('the time limit truncates with discount 1', () => {
    const env = new RoomCollect({ size: 8, episodeFrames: 10 });
    env.reset(3);
    Object.assign(env.room, { x: 0, y: 0 });
    env.room.objects = [{ x: -2.5, y: -2.5, yaw: 0, good: true, alive: true }];
    expect(env.step(0).truncated).toBe(false);
    expect(env.step(0).truncated).toBe(false);
    const last = env.step(0);
    expect(last).toMatchObject({ truncated: true, terminal: false, discount: 1 });
    expect(last.info).toMatchObject({ step: 3, frame: 10 });
  });

  test('the view turns with the agent and shows a good object ahead in green', () => {
    const env = arranged(0, 0, 0, [[1.5, 0, true], [-2, 2, false], FAR_GOOD], 64);
    const ahead = env.step(0).observation.image;
    const centre = (img: Uint8Array | Float32Array) => Array.from(img.subarray((32 * 64 + 32) * 3, (32 * 64 + 32) * 3 + 3));
    const [r, g, b] = centre(ahead);
    expect(g).toBeGreaterThan(150);
    expect(r).toBeLessThan(g / 2);
    expect(b).toBeLessThan(g / 2);
    const turned = env.step(TURN_LEFT).observation.image;
    expect(turned).not.toEqual(ahead);
    const [r2, g2] = centre(turned);
    expect(g2 > 150 && r2 < g2 / 2).toBe(false);
  });
});
