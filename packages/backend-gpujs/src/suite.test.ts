// The op suite on the gpu.js backend in the mode gpu.js picks here by itself (headlessgl where a
// GL context opens, else webasm, else cpu): what `setBackend('gpujs')` gives an application.
import { gpujsOpSuite } from '../test/opsuite.ts';

gpujsOpSuite('gpujs', { mode: 'auto' });
