// Builds the browser check's pages (gpujs.html, webgpu.html) into browser/dist. The op suite's
// `vitest` imports resolve to the shim, and the `webgpu` npm module (Dawn's Node bindings, used by
// @dreamer/webgpu) to navigator.gpu.
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * @dreamer/tensor declares "sideEffects": false, but its index imports ./methods.ts for its side
 * effects (the Tensor methods such as t.mul(…), and the ops autodiff needs); a bundler that trusts
 * the flag drops that import. This marks the module as having side effects.
 */
const keepTensorMethods: Plugin = {
  name: 'keep-tensor-methods',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    if (!source.endsWith('methods.ts')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (resolved && /[\\/]tensor[\\/]src[\\/]methods\.ts$/.test(resolved.id)) return { ...resolved, moduleSideEffects: true };
    return resolved;
  },
};

export default defineConfig({
  root: here('.'),
  plugins: [keepTensorMethods],
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^vitest$/, replacement: here('./vitest-shim.ts') },
      { find: /^webgpu$/, replacement: here('./webgpu-shim.ts') },
    ],
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: { gpujs: here('./gpujs.html'), webgpu: here('./webgpu.html') },
    },
  },
});
