// Pictures of the ray caster for a person to look at: docs/envs/render-test.png holds synthetic
// scenes (every primitive from the side and from above, and a 20-geom figure) at 256×256 on the
// top row and at the agent's 64×64 (shown 4× larger) below; docs/envs/<task>.png is the first
// frame (reset(0), camera 0) of each control task at 64×64, and docs/envs/control-first-frames.png
// all of them at 128×128. Renders on WebGPU, or with the CPU reference when there is no adapter
// or with --cpu.
// Run: node packages/envs/scripts/render-scenes.ts [--cpu]   (or `pnpm run render-scenes` in the package)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@dreamer/tensor';
import { WebGPUBackend, registerWebGPU } from '@dreamer/webgpu';
import { CONTROL_TASKS, makeEnvAsync, sceneOf } from '../src/index.ts';
import { renderCpu, type RenderOptions } from '../src/render/cpu.ts';
import { figureScene, primitivesScene } from '../src/render/demo.ts';
import { encodePng, upscale } from '../src/render/png.ts';
import { Renderer } from '../src/render/renderer.ts';
import type { Scene } from '../src/render/types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../../docs/envs');
mkdirSync(outDir, { recursive: true });

async function openRenderer(): Promise<{ render: (s: Scene[], o: RenderOptions) => Promise<Uint8Array>; close: () => void; name: string }> {
  const cpu = { render: async (s: Scene[], o: RenderOptions) => renderCpu(s, o), close: () => {}, name: 'CPU reference' };
  if (process.argv.includes('--cpu')) return cpu;
  try {
    registerWebGPU();
    const gpu = await setBackend('webgpu');
    if (!(gpu instanceof WebGPUBackend)) return cpu;
    const r = Renderer.create(gpu);
    return { render: (s, o) => r.renderPixels(s, o), close: () => gpu.destroy(), name: 'WebGPU' };
  } catch (e) {
    console.warn(`no WebGPU (${(e as Error).message.split('\n')[0]}); using the CPU reference`);
    return cpu;
  }
}

/** Lays square frames out in rows of `columns` with a 4-pixel grey gap. */
function grid(frames: Uint8Array[], size: number, columns = frames.length): { rgb: Uint8Array; width: number; height: number } {
  const gap = 4;
  const rows = Math.ceil(frames.length / columns);
  const width = columns * size + (columns - 1) * gap;
  const height = rows * size + (rows - 1) * gap;
  const rgb = new Uint8Array(width * height * 3).fill(96);
  frames.forEach((f, i) => {
    const [x0, y0] = [(i % columns) * (size + gap), Math.floor(i / columns) * (size + gap)];
    for (let y = 0; y < size; y++) rgb.set(f.subarray(y * size * 3, (y + 1) * size * 3), ((y0 + y) * width + x0) * 3);
  });
  return { rgb, width, height };
}

const split = (all: Uint8Array, count: number): Uint8Array[] => {
  const n = all.length / count;
  return Array.from({ length: count }, (_, i) => all.subarray(i * n, (i + 1) * n));
};

const renderer = await openRenderer();
const scenes = [primitivesScene(), primitivesScene(), figureScene()];
const cameras = [0, 1, 0];
const frames = async (size: number): Promise<Uint8Array[]> => split(await renderer.render(scenes, { cameras, width: size, height: size }), scenes.length);
const big = await frames(256);
const small = (await frames(64)).map((f) => upscale(f, 64, 64, 4));
const test = grid([...big, ...small], 256, 3);
const testFile = join(outDir, 'render-test.png');
writeFileSync(testFile, encodePng(test.rgb, test.width, test.height));
console.log(`wrote ${testFile} (${renderer.name})`);

const tasks = Object.keys(CONTROL_TASKS);
const taskScenes: Scene[] = [];
for (const name of tasks) {
  const env = await makeEnvAsync(name);
  env.reset(0);
  taskScenes.push(sceneOf(env));
  env.close();
}
const agent = split(await renderer.render(taskScenes, { width: 64, height: 64 }), tasks.length);
tasks.forEach((name, i) => writeFileSync(join(outDir, `${name}.png`), encodePng(agent[i], 64, 64)));
console.log(`wrote ${tasks.length} control-task frames: docs/envs/{${tasks.join(',')}}.png`);
const sheet = grid(split(await renderer.render(taskScenes, { width: 128, height: 128 }), tasks.length), 128, 5);
const sheetFile = join(outDir, 'control-first-frames.png');
writeFileSync(sheetFile, encodePng(sheet.rgb, sheet.width, sheet.height));
console.log(`wrote ${sheetFile}`);
renderer.close();
