/**
 * Old vs new CPU matmul/conv kernels, side by side: `node bench/compare.ts [rounds]` in
 * packages/tensor (or `pnpm bench:compare`). See bench/kernels.ts for the method.
 */
import { compareKernels } from './kernels.ts';

const rounds = Number(process.argv[2] ?? 7);
console.log(`old vs new CPU kernels, f32, ${rounds} interleaved rounds after 2 warm-ups (medians)`);
console.log(`${'case'.padEnd(24)} ${'old ms'.padStart(8)} ${'new ms'.padStart(8)} ${'old GF/s'.padStart(9)} ${'new GF/s'.padStart(9)} ${'speedup'.padStart(8)}  max rel diff`);
for (const r of compareKernels(rounds)) {
  console.log(
    `${r.name.padEnd(24)} ${r.beforeMs.toFixed(1).padStart(8)} ${r.afterMs.toFixed(1).padStart(8)} ${r.beforeGflops.toFixed(2).padStart(9)} ${r.afterGflops.toFixed(2).padStart(9)} ${`${r.speedup.toFixed(2)}×`.padStart(8)}  ${r.maxRelDiff.toExponential(1)}`,
  );
}
