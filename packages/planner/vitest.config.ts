import { packageConfig } from '../../vitest.shared.ts';

// Whole-model steps on the CPU backend take tens of seconds on a loaded 2-core CI machine.
export default packageConfig({ testTimeout: 300_000 });
