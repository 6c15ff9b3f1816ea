// The ray caster's geometry and shading, checked on the CPU reference (the GPU kernel is checked
// against this reference in renderer.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { lookAt, project } from './camera.ts';
import { renderCpu } from './cpu.ts';
import { SKY } from './look.ts';
import { figureScene, floor, geom, primitivesScene } from './demo.ts';
import type { Scene, SceneCamera, SceneGeom } from './types.ts';

const RED: [number, number, number] = [0.9, 0.1, 0.1];
const GREEN: [number, number, number] = [0.1, 0.9, 0.1];

const scene = (geoms: SceneGeom[], camera: SceneCamera, light: [number, number, number] = [0, 0, -1]): Scene => ({ geoms, cameras: [camera], light: { dir: light } });
const px = (img: Uint8Array, w: number, x: number, y: number): number[] => Array.from(img.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
const same = (a: number[], b: number[]): boolean => a.every((v, i) => v === b[i]);

describe('geometry', () => {
  it('a small sphere lands on the pixel the pinhole projection predicts (non-square image)', () => {
    const [W, H] = [80, 60];
    const cam = lookAt([0.3, -2, 1.1], [0, 0, 0.4], 40);
    const target: [number, number, number] = [0.35, 0.2, 0.6];
    const sky = renderCpu([scene([], cam)], { width: W, height: H });
    const img = renderCpu([scene([geom('sphere', [0.04, 0, 0], target, RED)], cam)], { width: W, height: H });
    let [sx, sy, n] = [0, 0, 0];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (!same(px(img, W, x, y), px(sky, W, x, y))) [sx, sy, n] = [sx + x + 0.5, sy + y + 0.5, n + 1];
      }
    }
    expect(n).toBeGreaterThan(3);
    const [ex, ey] = project(cam, target, W, H);
    expect(Math.abs(sx / n - ex)).toBeLessThan(0.5);
    expect(Math.abs(sy / n - ey)).toBeLessThan(0.5);
  });

  it('a near box hides a far sphere where they overlap', () => {
    const cam = lookAt([0, -3, 0.5], [0, 0, 0.5], 40);
    const box = geom('box', [0.2, 0.2, 0.2], [0.15, -1, 0.5], RED);
    const ball = geom('sphere', [0.4, 0, 0], [-0.15, 1, 0.5], GREEN);
    for (const geoms of [[box, ball], [ball, box]]) {
      const img = renderCpu([scene(geoms, cam)]);
      const [x, y] = project(cam, [0.05, -1.2, 0.5], 64, 64).map(Math.floor);
      const c = px(img, 64, x, y);
      expect(c[0]).toBeGreaterThan(c[1]); // red box in front
      const [fx, fy] = project(cam, [-0.45, 1, 0.5], 64, 64).map(Math.floor);
      const f = px(img, 64, fx, fy);
      expect(f[1]).toBeGreaterThan(f[0]); // green sphere beside it
    }
  });

  it.each([
    ['sphere', [0.3, 0, 0]],
    ['capsule', [0.15, 0.3, 0]],
    ['ellipsoid', [0.35, 0.2, 0.25]],
    ['cylinder', [0.25, 0.3, 0]],
    ['box', [0.3, 0.2, 0.25]],
    ['plane', [0.5, 0.5, 0.1]],
  ] as const)('a %s renders in its colour where it stands', (type, size) => {
    const cam = type === 'plane' ? lookAt([0.3, -1.5, 1.5], [0, 0, 0], 40) : lookAt([1.5, -2, 1], [0, 0, 0], 40);
    const img = renderCpu([scene([geom(type, [...size], [0, 0, 0], GREEN)], cam)]);
    const sky = renderCpu([scene([], cam)]);
    const [x, y] = project(cam, [0, 0, 0], 64, 64).map(Math.floor);
    const c = px(img, 64, x, y);
    expect(c[1]).toBeGreaterThan(2 * c[0]);
    let covered = 0;
    for (let i = 0; i < img.length; i += 3) if (!same([...img.subarray(i, i + 3)], [...sky.subarray(i, i + 3)])) covered++;
    expect(covered).toBeGreaterThan(40);
  });

  it('a finite plane ends at its half-sizes; a zero half-size is unbounded; planes are one-sided', () => {
    const cam = lookAt([0, 0.001, 3], [0, 0, 0], 60);
    const finite = renderCpu([scene([geom('plane', [0.5, 0.5, 0], [0, 0, 0], GREEN)], cam)]);
    const infinite = renderCpu([scene([geom('plane', [0, 0, 0], [0, 0, 0], GREEN)], cam)]);
    const below = renderCpu([scene([geom('plane', [0, 0, 0], [0, 0, 4], GREEN)], cam)]);
    const sky = renderCpu([scene([], cam)]);
    const [cx, cy] = project(cam, [0, 0, 0], 64, 64).map(Math.floor);
    const [ex, ey] = project(cam, [1, 1, 0], 64, 64).map(Math.floor);
    expect(same(px(finite, 64, cx, cy), px(sky, 64, cx, cy))).toBe(false);
    expect(same(px(finite, 64, ex, ey), px(sky, 64, ex, ey))).toBe(true);
    expect(same(px(infinite, 64, ex, ey), px(infinite, 64, cx, cy))).toBe(true);
    expect(below).toEqual(sky);
  });
});

describe('shading', () => {
  it("the floor's checker alternates dm_control's grid colours (times rgba) every 0.5 m", () => {
    const cam = lookAt([0, 0.0001, 4], [0, 0, 0], 40);
    for (const rgb of [[1, 1, 1], [0.5, 1, 0.8]] as [number, number, number][]) {
      const img = renderCpu([scene([{ ...geom('plane', [3, 3, 0.2], [0, 0, 0], rgb), checker: true }], cam)], { shadows: false });
      for (let i = -2; i < 2; i++) {
        for (let j = -2; j < 2; j++) {
          const [x, y] = project(cam, [(i + 0.5) * 0.5, (j + 0.5) * 0.5, 0], 64, 64).map(Math.floor);
          const tone = (i + j) & 1 ? [0.2, 0.3, 0.4] : [0.1, 0.2, 0.3];
          // Seen head-on under a light straight down: albedo × (ambient .4 + headlight .8 + light .7).
          expect(px(img, 64, x, y)).toEqual(tone.map((a, k) => Math.round(a * rgb[k] * 1.9 * 255)));
        }
      }
    }
  });

  it("uses the scene's light diffuse and ambient when given", () => {
    const cam = lookAt([0, 0.0001, 4], [0, 0, 0], 40);
    const plane = geom('plane', [3, 3, 0], [0, 0, 0], [0.25, 0.25, 0.25]);
    const img = renderCpu([{ geoms: [plane], cameras: [cam], light: { dir: [0, 0, -1], diffuse: [0.2, 0.4, 0.6], ambient: [0.5, 0, 0] } }]);
    expect(px(img, 64, 32, 32)).toEqual([0.5 + 0.8 + 0.2, 0.8 + 0.4, 0.8 + 0.6].map((k) => Math.round(0.25 * k * 255)));
  });

  it('the sky fades from (.4,.6,.8) above to black below', () => {
    const up = renderCpu([scene([], lookAt([0, 0, 0], [0, 0.001, 1], 10))]);
    const down = renderCpu([scene([], lookAt([0, 0, 0], [0, 0.001, -1], 10))]);
    const level = renderCpu([scene([], lookAt([0, 0, 0], [0, 1, 0], 90))]);
    expect(px(up, 64, 32, 32)).toEqual(SKY.map((c) => Math.round(c * 255)));
    expect(Math.max(...px(down, 64, 32, 32))).toBeLessThanOrEqual(1);
    const top = px(level, 64, 32, 0);
    const bottom = px(level, 64, 32, 63);
    for (let k = 0; k < 3; k++) expect(top[k]).toBeGreaterThan(bottom[k] + 20);
  });

  it('a sphere above the floor shadows it only when shadows are on', () => {
    const cam = lookAt([0, -2, 2], [0, 0, 0], 45);
    const s = scene([floor(2), geom('sphere', [0.2, 0, 0], [0, 0, 0.6], RED)], cam, [0, 0, -1]);
    const lit = renderCpu([s], { shadows: false });
    const shaded = renderCpu([s]);
    const [x, y] = project(cam, [0.1, -0.1, 0], 64, 64).map(Math.floor);
    const a = px(lit, 64, x, y);
    const b = px(shaded, 64, x, y);
    for (let k = 0; k < 3; k++) expect(b[k]).toBeLessThan(a[k]);
    const [fx, fy] = project(cam, [1.2, -1, 0], 64, 64).map(Math.floor);
    expect(px(shaded, 64, fx, fy)).toEqual(px(lit, 64, fx, fy));
  });

  it('alpha 0 hides a geom', () => {
    const cam = lookAt([0, -2, 0], [0, 0, 0], 45);
    const hidden = { ...geom('sphere', [0.5, 0, 0], [0, 0, 0], RED), rgba: [1, 0, 0, 0] as [number, number, number, number] };
    expect(renderCpu([scene([hidden], cam)])).toEqual(renderCpu([scene([], cam)]));
  });
});

describe('batches', () => {
  it('a batch equals its scenes rendered one by one, each from its own camera', () => {
    const scenes = [primitivesScene(), figureScene(19, 0.3), primitivesScene()];
    const cams = [0, 0, 1];
    const all = renderCpu(scenes, { cameras: cams, width: 24, height: 16 });
    scenes.forEach((s, i) => {
      const one = renderCpu([s], { cameras: cams[i], width: 24, height: 16 });
      expect(all.subarray(i * one.length, (i + 1) * one.length)).toEqual(one);
    });
  });

  it('rejects a missing camera and mismatched camera lists', () => {
    expect(() => renderCpu([primitivesScene()], { cameras: 5 })).toThrow(/camera 5/);
    expect(() => renderCpu([primitivesScene()], { cameras: [0, 0] })).toThrow(/2 camera indices/);
    expect(() => renderCpu([primitivesScene()], { width: 0 })).toThrow(/image size/);
  });
});
