// The gpu.js page: the backend in gpu.js's 'auto' mode (webgl2 in a browser with WebGL2, else
// webgl, webasm, cpu), the smoke subset on it.
import { setBackend } from '@dreamer/tensor';
import { type GpujsBackend, registerGpujs } from '../src/index.ts';
import { runPage } from './page.ts';

/** The GL renderer behind gpu.js's context (SwiftShader, ANGLE, …), where there is one. */
function renderer(b: GpujsBackend): string {
  const gl = (b.runtime.gpu as unknown as { context?: WebGLRenderingContext | WebGL2RenderingContext }).context;
  if (!gl || typeof gl.getParameter !== 'function') return 'no GL context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const name = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return `${String(name)}; ${String(gl.getParameter(gl.VERSION))}`;
}

const mode = (new URLSearchParams(location.search).get('mode') ?? 'auto') as 'auto';
void runPage('gpujs', async () => {
  registerGpujs({ mode, log: false });
  const b = (await setBackend('gpujs')) as GpujsBackend;
  return { mode: b.mode, detail: `gpu.js ${b.info.version}, requested '${mode}', ${renderer(b)}` };
});
