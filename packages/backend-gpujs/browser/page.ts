/**
 * Runs the op suite's smoke subset (or other groups: `?groups=a,b` or `?groups=all`) on one
 * backend in the page, through the vitest shim, and publishes the outcome as
 * `window.__dreamerCheck` (read by run.ts) and on the page.
 */
import { listBackends, setBackend } from '@dreamer/tensor';
import type { SuiteDevice } from '../../tensor/test/suite/device.ts';
import { activationSuite } from '../../tensor/test/suite/activation.ts';
import { autodiffSuite } from '../../tensor/test/suite/autodiff.ts';
import { convSuite } from '../../tensor/test/suite/conv.ts';
import { creationSuite } from '../../tensor/test/suite/creation.ts';
import { elementwiseSuite } from '../../tensor/test/suite/elementwise.ts';
import { errorSuite } from '../../tensor/test/suite/errors.ts';
import { fusedSuite } from '../../tensor/test/suite/fused.ts';
import { elementwiseGradSuite } from '../../tensor/test/suite/grad-elementwise.ts';
import { structuredGradSuite } from '../../tensor/test/suite/grad-structured.ts';
import { matmulSuite } from '../../tensor/test/suite/matmul.ts';
import { memorySuite } from '../../tensor/test/suite/memory.ts';
import { randomSuite } from '../../tensor/test/suite/random.ts';
import { reduceSuite } from '../../tensor/test/suite/reduce.ts';
import { scanSuite } from '../../tensor/test/suite/scan.ts';
import { shapeSuite } from '../../tensor/test/suite/shape.ts';
import { specialValuesSuite } from '../../webgpu/test/specialValues.ts';
import { type TestResult, runCollected } from './vitest-shim.ts';

const GROUPS: Record<string, (d: SuiteDevice) => void> = {
  creation: creationSuite,
  elementwise: elementwiseSuite,
  activation: activationSuite,
  reduce: reduceSuite,
  shape: shapeSuite,
  matmul: matmulSuite,
  conv: convSuite,
  scan: scanSuite,
  random: randomSuite,
  errors: errorSuite,
  memory: memorySuite,
  autodiff: autodiffSuite,
  'grad-elementwise': elementwiseGradSuite,
  'grad-structured': structuredGradSuite,
  fused: fusedSuite,
  /** IEEE special values (±0, ±∞, NaN, overflow) of the float ops against the CPU reference. */
  special: specialValuesSuite,
};

/**
 * The smoke subset: forward values of every primitive family (creation, elementwise, reduce,
 * layout, matmul, conv, scan, random) and the autodiff semantics — one or more tests per
 * Backend primitive, without the finite-difference gradient sweeps.
 */
export const SMOKE = ['creation', 'elementwise', 'reduce', 'shape', 'matmul', 'conv', 'scan', 'random', 'autodiff'];

export interface CheckReport {
  done: true;
  backend: string;
  /** The mode or adapter the backend ran in; null when it did not open. */
  mode: string | null;
  detail: string;
  /** Why the backend did not open (e.g. the gpu.js probe refusing packed 8-bit textures). */
  refused?: string;
  /** navigator.gpu exists (Chromium exposes it even where WebGPU is off). */
  webgpuExposed: boolean;
  /** What navigator.gpu.requestAdapter() gave: an adapter's vendor/architecture, or null (WebGPU off). */
  webgpuAdapter: string | null;
  userAgent: string;
  groups: string[];
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; error: string }[];
  seconds: number;
}

declare global {
  interface Window {
    __dreamerCheck?: CheckReport;
  }
}

function show(text: string): void {
  const pre = document.getElementById('out') ?? document.body.appendChild(document.createElement('pre'));
  pre.id = 'out';
  pre.textContent += `${text}\n`;
  console.log(`[check] ${text}`);
}

async function describeAdapter(): Promise<string | null> {
  try {
    const a = await navigator.gpu.requestAdapter();
    if (!a) return null;
    const i = a.info;
    return [i.vendor, i.architecture, i.description].filter(Boolean).join(' / ') + ((i as { isFallbackAdapter?: boolean }).isFallbackAdapter ? ' (fallback adapter)' : '');
  } catch {
    return null;
  }
}

export async function runPage(backend: string, open: () => Promise<{ mode: string; detail: string }>): Promise<void> {
  const t0 = performance.now();
  const param = new URLSearchParams(location.search).get('groups');
  const groups = param === 'all' ? Object.keys(GROUPS) : param ? param.split(',') : SMOKE;
  const webgpuExposed = 'gpu' in navigator && navigator.gpu !== undefined;
  const base = {
    done: true as const,
    backend,
    webgpuExposed,
    webgpuAdapter: webgpuExposed ? await describeAdapter() : null,
    userAgent: navigator.userAgent,
    groups,
  };
  let opened: { mode: string; detail: string };
  try {
    opened = await open();
  } catch (e) {
    const refused = e instanceof Error ? e.message : String(e);
    show(`${backend}: did not open: ${refused}`);
    window.__dreamerCheck = { ...base, mode: null, detail: '', refused, passed: 0, failed: 0, skipped: 0, failures: [], seconds: (performance.now() - t0) / 1000 };
    return;
  }
  show(`${backend}: mode ${opened.mode} (${opened.detail}); navigator.gpu ${webgpuExposed ? `present, adapter ${base.webgpuAdapter ?? 'none'}` : 'absent'}; groups ${groups.join(', ')}`);
  await setBackend('cpu');
  const device: SuiteDevice = {
    name: backend,
    label: `${backend}/f32`,
    setup() {
      if (!listBackends().includes(backend)) throw new Error(`${backend} is not registered`);
    },
    dtype: 'f32',
    tol: { rtol: 1e-5, atol: 1e-5, grad: { eps: 1e-2, rtol: 1e-2, atol: 1e-3 } },
  };
  for (const g of groups) {
    const suite = GROUPS[g];
    if (!suite) throw new Error(`unknown group "${g}"; groups: ${Object.keys(GROUPS).join(', ')}`);
    suite(device);
  }
  let n = 0;
  const results: TestResult[] = await runCollected((r) => {
    n++;
    if (r.state === 'fail') show(`FAIL ${r.name}: ${r.error}`);
    else if (n % 50 === 0) show(`${n} tests run`);
  });
  const count = (s: TestResult['state']): number => results.filter((r) => r.state === s).length;
  const report: CheckReport = {
    ...base,
    mode: opened.mode,
    detail: opened.detail,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    failures: results.filter((r) => r.state === 'fail').map((r) => ({ name: r.name, error: r.error ?? '' })),
    seconds: (performance.now() - t0) / 1000,
  };
  show(`${backend} (${opened.mode}): ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${report.seconds.toFixed(1)} s`);
  window.__dreamerCheck = report;
}
