// Save the first frame (the 64×64 RGB `image` observation after reset(0)) of every implemented
// MinAtar-style game as a PNG under <repo>/docs/envs/, plus one 4× strip of all of them.
// Run: node packages/envs/scripts/render-frames.ts   (or `pnpm run render-frames` in the package)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listEnvs, makeEnv } from '../src/index.ts';
import { encodePng, upscale } from '../src/render/png.ts';

export { encodePng };

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../../docs/envs');
mkdirSync(outDir, { recursive: true });

const games = listEnvs().filter((n) => n.startsWith('minatar_'));
const frames: Uint8Array[] = [];
for (const name of games) {
  const env = makeEnv(name);
  const image = env.reset(0).observation.image as Uint8Array;
  env.close();
  frames.push(image);
  const file = join(outDir, `${name}.png`);
  writeFileSync(file, encodePng(image, 64, 64));
  console.log(`wrote ${file}`);
}

// A strip: every game side by side at 4×, with a 4-pixel grey gap.
const k = 4;
const size = 64 * k;
const gap = 4;
const width = games.length * size + (games.length - 1) * gap;
const strip = new Uint8Array(width * size * 3).fill(96);
frames.forEach((img, i) => {
  const big = upscale(img, 64, 64, k);
  const x0 = i * (size + gap);
  for (let y = 0; y < size; y++) strip.set(big.subarray(y * size * 3, (y + 1) * size * 3), (y * width + x0) * 3);
});
const stripFile = join(outDir, 'minatar-first-frames.png');
writeFileSync(stripFile, encodePng(strip, width, size));
console.log(`wrote ${stripFile} (${games.join(', ')})`);
