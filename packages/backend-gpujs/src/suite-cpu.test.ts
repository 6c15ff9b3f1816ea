// The op suite on gpu.js's cpu mode (kernels transpiled to JavaScript): the mode every machine has.
import { gpujsOpSuite } from '../test/opsuite.ts';

gpujsOpSuite('gpujs-cpu', { mode: 'cpu' });
