/// <reference path="./gifenc.d.ts" />
// Animated GIFs from RGB (or grayscale) frames via gifenc. A frame with at most 256 distinct
// colours (MinAtar renders, flat scenes) gets an exact palette, so the GIF is lossless; richer
// frames are quantised to 256 colours per frame.
import * as gifencModule from 'gifenc';
import { positiveInteger } from './base.ts';

// gifenc is CommonJS without named-export hints: Node exposes it only as the default export,
// while bundlers resolve its ESM build with named exports. Accept either.
const gifenc: typeof gifencModule =
  'GIFEncoder' in gifencModule && typeof gifencModule.GIFEncoder === 'function'
    ? gifencModule
    : (gifencModule as unknown as { default: typeof gifencModule }).default;

export interface GifOptions {
  /** Frames per second (default 20, as the seed's GIF summaries). Delays are whole 1/100 s. */
  fps?: number;
  /** Integer nearest-neighbour upscaling, so 64×64 frames are easier to see (default 1). */
  scale?: number;
}

/** Frame layout: height, width and channels (1 = gray, 3 = RGB, 4 = RGBA with alpha ignored). */
export interface FrameShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

function toRgba(frame: Uint8Array, shape: FrameShape, scale: number): Uint8Array {
  const { height, width, channels } = shape;
  const w = width * scale;
  const out = new Uint8Array(w * height * scale * 4);
  for (let y = 0; y < height * scale; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < w; x++) {
      const src = (row + Math.floor(x / scale)) * channels;
      const dst = (y * w + x) * 4;
      out[dst] = frame[src];
      out[dst + 1] = frame[src + (channels >= 3 ? 1 : 0)];
      out[dst + 2] = frame[src + (channels >= 3 ? 2 : 0)];
      out[dst + 3] = 255;
    }
  }
  return out;
}

/** The frame's colours as a palette and index map, or null if it has more than 256 colours. */
function exactPalette(rgba: Uint8Array): { palette: number[][]; index: Uint8Array } | null {
  const seen = new Map<number, number>();
  const palette: number[][] = [];
  const index = new Uint8Array(rgba.length / 4);
  for (let p = 0; p < index.length; p++) {
    const key = (rgba[p * 4] << 16) | (rgba[p * 4 + 1] << 8) | rgba[p * 4 + 2];
    let i = seen.get(key);
    if (i === undefined) {
      if (palette.length === 256) return null;
      i = palette.length;
      seen.set(key, i);
      palette.push([rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]]);
    }
    index[p] = i;
  }
  return { palette, index };
}

/** Encode frames (each `height·width·channels` bytes, row-major HWC) as a looping GIF89a. */
export function encodeGif(frames: readonly Uint8Array[], shape: FrameShape, options: GifOptions = {}): Uint8Array {
  const { height, width, channels } = shape;
  positiveInteger('encodeGif: height', height);
  positiveInteger('encodeGif: width', width);
  if (![1, 3, 4].includes(channels)) throw new Error(`encodeGif: channels must be 1, 3 or 4, got ${channels}`);
  const scale = positiveInteger('encodeGif: scale', options.scale ?? 1);
  const fps = options.fps ?? 20;
  if (!(fps > 0 && fps <= 100)) throw new Error(`encodeGif: fps must be in (0, 100], got ${fps}`);
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const size = height * width * channels;
  const gif = gifenc.GIFEncoder();
  frames.forEach((frame, t) => {
    if (!(frame instanceof Uint8Array) || frame.length !== size) {
      throw new Error(`encodeGif: frame ${t} must be a Uint8Array of ${height}×${width}×${channels} = ${size} bytes, got ${frame.length}`);
    }
    const rgba = toRgba(frame, shape, scale);
    const exact = exactPalette(rgba);
    const palette = exact?.palette ?? gifenc.quantize(rgba, 256);
    const index = exact?.index ?? gifenc.applyPalette(rgba, palette);
    gif.writeFrame(index, width * scale, height * scale, { palette, delay: 1000 / fps, repeat: 0 });
  });
  gif.finish();
  return gif.bytes();
}
