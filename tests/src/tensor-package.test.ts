// @dreamer/tensor used the way another project would: by package name, through its exports map.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as T from '@dreamer/tensor';

describe('@dreamer/tensor as a dependency', () => {
  test('the exports map names types and an entry point', () => {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('@dreamer/tensor/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.'].types).toMatch(/\.ts$/);
    expect(pkg.exports['.'].default).toBeTruthy();
    expect(pkg.publishConfig.exports['.'].types).toBe('./dist/index.d.ts');
  });

  test('the public API computes a value and a gradient', () => {
    T.setBackendSync('cpu');
    const w = T.tensor([[1, 2], [3, 4]]);
    const x = T.tensor([1, -1]);
    const { value, grads } = T.valueAndGrad((p) => T.sum(T.square(T.matmul(p, x))), w);
    // W·x = [-1, -1]; loss = 2; dL/dW = 2 (W·x) xᵀ = [[-2, 2], [-2, 2]].
    expect(value.dataSync()[0]).toBe(2);
    expect(grads.arraySync()).toEqual([[-2, 2], [-2, 2]]);
    T.dispose([w, x, value, grads]);
  });

  test('plain Node resolves the package by name', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "import { tensor, add } from '@dreamer/tensor'; console.log(String(add(tensor([1, 2]), 1).dataSync()));"],
      { cwd: import.meta.dirname, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('2,3');
  });
});

describe('@dreamer/tensor as published', () => {
  test('the build emits JavaScript and declarations that plain Node imports', { timeout: 60_000 }, () => {
    const pkgDir = join(import.meta.dirname, '..', '..', 'packages', 'tensor');
    const out = mkdtempSync(join(tmpdir(), 'tensor-dist-'));
    try {
      const tsc = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsc');
      execFileSync(tsc, ['-p', join(pkgDir, 'tsconfig.build.json'), '--outDir', out], { encoding: 'utf8' });
      expect(existsSync(join(out, 'index.d.ts'))).toBe(true);
      const js = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const T = await import(${JSON.stringify(pathToFileURL(join(out, 'index.js')).href)}); console.log(String(T.sum(T.tensor([1, 2, 3])).dataSync()));`],
        { encoding: 'utf8' },
      );
      expect(js.trim()).toBe('6');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
