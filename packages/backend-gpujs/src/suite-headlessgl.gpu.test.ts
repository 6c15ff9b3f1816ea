// The op suite on gpu.js's headlessgl mode: GLSL fragment-shader kernels through headless-gl
// (ANGLE over GLX; here Mesa's llvmpipe behind Xvfb). Needs the optional `gl` addon built and an
// X display; where either is missing the suite is skipped and the reason printed.
import { afterAll, describe, test } from 'vitest';
import { GPU } from 'gpu.js';
import { gpujsOpSuite } from '../test/opsuite.ts';
import { ensureDisplay, stopDisplay } from '../test/display.ts';

const { display, reason } = await ensureDisplay();
const available = display !== null && GPU.isHeadlessGLSupported;
afterAll(() => stopDisplay());
if (available) {
  gpujsOpSuite('gpujs-headlessgl', { mode: 'headlessgl' });
} else {
  const why = display === null ? reason : 'headless-gl (the optional `gl` addon) did not load or open a context';
  console.log(`op suite on gpujs-headlessgl: skipped (${why})`);
  describe('gpujs-headlessgl op suite', () => test.skip(`skipped: ${why}`, () => {}));
}
