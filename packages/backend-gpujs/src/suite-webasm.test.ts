// The op suite on gpu.js's webasm mode (kernels compiled to WebAssembly with f32x4 SIMD), the mode
// gpu.js picks in Node when headless-gl cannot open a GL context.
import { gpujsOpSuite } from '../test/opsuite.ts';

gpujsOpSuite('gpujs-webasm', { mode: 'webasm' });
