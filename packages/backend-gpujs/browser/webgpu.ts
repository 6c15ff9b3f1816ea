// The WebGPU page: @dreamer/webgpu on the browser's navigator.gpu (the `webgpu` npm module,
// Dawn's Node bindings, is aliased to webgpu-shim.ts in the build), the smoke subset on it.
import { setBackend } from '@dreamer/tensor';
import { formatAdapter, openAdapter, registerWebGPU } from '@dreamer/webgpu';
import { runPage } from './page.ts';

void runPage('webgpu', async () => {
  const opened = await openAdapter();
  registerWebGPU();
  await setBackend('webgpu');
  return { mode: 'webgpu (navigator.gpu)', detail: formatAdapter(opened) };
});
