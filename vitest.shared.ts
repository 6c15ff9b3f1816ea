// One vitest setup for every package: a `unit` project (no GPU, parallel) and a `gpu`
// project (files named *.gpu.test.ts) that runs in a single worker, one file at a time,
// because every file opens the same WebGPU device and lavapipe is CPU-bound.
import { defineConfig } from 'vitest/config';

export function packageConfig(overrides: { testTimeout?: number } = {}) {
  const testTimeout = overrides.testTimeout ?? 30_000;
  // A JSON report per run (`.vitest/test.json`, `.vitest/test-gpu.json`) lets tools/test-summary.ts
  // print one total line for the whole workspace; turbo caches it with the task.
  const report = (process.env.npm_lifecycle_event ?? 'test').replace(/[^a-z0-9-]/gi, '-');
  return defineConfig({
    test: {
      passWithNoTests: true,
      reporters: ['default', 'json'],
      outputFile: { json: `.vitest/${report}.json` },
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
            exclude: ['**/*.gpu.test.ts', '**/*.learn.test.ts', '**/node_modules/**'],
            testTimeout,
          },
        },
        {
          extends: true,
          test: {
            name: 'gpu',
            include: ['src/**/*.gpu.test.ts', 'test/**/*.gpu.test.ts'],
            fileParallelism: false,
            maxWorkers: 1,
            testTimeout: Math.max(testTimeout, 120_000),
          },
        },
        {
          // Learning runs (*.learn.test.ts): minutes of training each, alone on the machine.
          extends: true,
          test: {
            name: 'learning',
            include: ['src/**/*.learn.test.ts'],
            fileParallelism: false,
            maxWorkers: 1,
            testTimeout: 20 * 60_000,
          },
        },
      ],
    },
  });
}
