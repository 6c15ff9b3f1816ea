// Save the first frame (the 64×64 RGB `image` observation after reset(0)) of every implemented
// MinAtar-style game as a PNG under <repo>/docs/envs/, plus one 4× strip of all of them.
// Run: node packages/envs/scripts/render-frames.ts   (or `pnpm run render-frames` in the package)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { listEnvs, makeEnv } from '../src/index.ts';

/** Minimal PNG encoder: 8-bit RGB, no interlace, filter 0 on every row. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: expected ${width * height * 3} bytes, got ${rgb.length}`);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Nearest-neighbour upscale of an RGB image. */
function upscale(rgb: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const out = new Uint8Array(w * k * h * k * 3);
  for (let y = 0; y < h * k; y++) {
    for (let x = 0; x < w * k; x++) {
      const s = (Math.floor(y / k) * w + Math.floor(x / k)) * 3;
      const d = (y * w * k + x) * 3;
      out[d] = rgb[s];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s + 2];
    }
  }
  return out;
}

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
