/**
 * The browser check: `pnpm --filter @dreamer/backend-gpujs test:browser` (not part of `pnpm test`:
 * it needs Debian's Chromium at /usr/bin/chromium, `apt-get install chromium`).
 *
 * 1. Builds the pages (browser/*.html) with Vite into browser/dist.
 * 2. Serves them on 127.0.0.1 (an ephemeral port) from this process.
 * 3. Runs the op suite's smoke subset (page.ts) in headless Chromium driven by Playwright
 *    (playwright-core; no browser download), with WebGPU disabled, on the gpu.js backend in its
 *    'auto' mode, and prints the mode, the GL renderer and the pass/fail counts.
 * 4. Then (unless --no-webgpu) the same subset on @dreamer/webgpu through navigator.gpu in a
 *    Chromium with WebGPU enabled (--enable-unsafe-webgpu), reported for information: Chromium
 *    on a machine without a GPU may expose no adapter.
 *
 * With --webgpu (`pnpm test:browser:webgpu`) only step 4 runs, and it is the check: the WebGPU
 * page's groups (default creation, elementwise, reduce, shape, matmul and special — the IEEE
 * special values of @dreamer/webgpu's test/specialValues.ts against the CPU reference) must all
 * pass on the adapter Chromium gives (SwiftShader's fallback adapter on a machine without a GPU).
 *
 * Exit code: 0 when the gpu.js page ran and every test passed, or when the backend refused to
 * open with its probe's message (a valid result: the browser lacks float textures); 1 on a
 * failing test, a page error or a timeout. With --webgpu: 0 when the WebGPU page ran and every
 * test passed; 1 on no adapter, a failing test, a page error or a timeout. Options: --groups a,b
 * (or all; default the smoke subset), --mode M (gpu.js mode, default auto), --no-webgpu,
 * --webgpu, --webgpu-groups a,b (or all; default creation,elementwise,reduce,shape,matmul,special:
 * WebGPU on SwiftShader compiles slowly), --no-build, --timeout S (per page, default 900).
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { CheckReport } from './page.ts';

const CHROMIUM = '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, 'dist');

const { values } = parseArgs({
  options: {
    groups: { type: 'string' },
    'webgpu-groups': { type: 'string', default: 'creation,elementwise,reduce,shape,matmul,special' },
    mode: { type: 'string', default: 'auto' },
    'no-webgpu': { type: 'boolean', default: false },
    webgpu: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '900' },
  },
});
const timeoutMs = Number(values.timeout) * 1000;

if (!existsSync(CHROMIUM)) {
  console.error(`browser check: ${CHROMIUM} is missing; install Debian's Chromium (apt-get install chromium). Playwright's own browsers are not used.`);
  process.exit(1);
}

if (!values['no-build']) {
  const t0 = performance.now();
  await build({ configFile: join(here, 'vite.config.ts') });
  console.log(`built the pages with Vite into ${dist} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.map': 'application/json' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path);
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  // Cross-origin isolated, so the page has SharedArrayBuffer (as a WebGPU app served this way would).
  res
    .writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    })
    .end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** The flags every run uses: headless, no network chatter, no sandbox (root), a fresh profile. */
const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function runPage(page: string, args: string[], groups = values.groups): Promise<{ report: CheckReport | null; error?: string; version: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'dreamer-chromium-'));
  // launchPersistentContext passes --user-data-dir=<profile> (a fresh, empty directory).
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args });
  const version = context.browser()?.version() ?? 'unknown';
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    let onPageError: (message: string) => void = () => {};
    const failed = new Promise<never>((_, reject) => (onPageError = (m) => reject(new Error(`page error: ${m}`))));
    failed.catch(() => {});
    tab.on('console', (m) => {
      if (m.text().startsWith('[check] ')) console.log(`  ${m.text().slice(8)}`);
      else if (m.type() === 'error') console.log(`  console error: ${m.text()}`);
    });
    tab.on('pageerror', (e) => {
      pageErrors.push(e.message);
      onPageError(e.message);
    });
    const query = new URLSearchParams({ ...(groups ? { groups } : {}), ...(page === 'gpujs' ? { mode: values.mode } : {}) });
    await tab.goto(`${origin}/${page}.html?${query}`, { waitUntil: 'commit' });
    try {
      await Promise.race([tab.waitForFunction(() => window.__dreamerCheck?.done === true, undefined, { timeout: timeoutMs, polling: 1000 }), failed]);
    } catch (e) {
      return { report: null, error: (e as Error).message.split('\n')[0], version };
    }
    const report = (await tab.evaluate(() => window.__dreamerCheck)) ?? null;
    return { report, error: pageErrors.length ? `page error: ${pageErrors.join('; ')}` : undefined, version };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function print(what: string, r: { report: CheckReport | null; error?: string; version: string }): void {
  console.log(`\n${what} — Chromium ${r.version}`);
  if (!r.report) {
    console.log(`  no result: ${r.error}`);
    return;
  }
  const rep = r.report;
  console.log(`  navigator.gpu: ${rep.webgpuExposed ? `present; requestAdapter() → ${rep.webgpuAdapter ?? 'null (no adapter: WebGPU off)'}` : 'absent'}`);
  if (rep.mode === null) {
    console.log(`  backend ${rep.backend} refused to open: ${rep.refused}`);
    return;
  }
  console.log(`  backend ${rep.backend}: mode ${rep.mode} (${rep.detail})`);
  console.log(`  groups: ${rep.groups.join(', ')}`);
  for (const f of rep.failures) console.log(`  FAIL ${f.name}: ${f.error}`);
  console.log(`  ${rep.passed} passed, ${rep.failed} failed, ${rep.skipped} skipped in ${rep.seconds.toFixed(1)} s`);
  if (r.error) console.log(`  ${r.error}`);
}

/** A page's verdict: it ran, published a report, opened its backend and passed every test it ran. */
function passed(r: { report: CheckReport | null; error?: string }): boolean {
  return !!r.report && !r.error && r.report.mode !== null && r.report.failed === 0 && r.report.passed > 0;
}

let code = 0;
try {
  if (values.webgpu) {
    // The WebGPU backend alone, as a check: no adapter (the backend refuses to open) fails too.
    const webgpu = await runPage('webgpu', [...BASE_ARGS, '--enable-unsafe-webgpu'], values['webgpu-groups']);
    print('@dreamer/webgpu through navigator.gpu, WebGPU enabled', webgpu);
    if (!passed(webgpu)) code = 1;
  } else {
    // WebGPU off: Chromium 156 exposes navigator.gpu whatever the flags (--disable-blink-features=WebGPU
    // included), but without --enable-unsafe-webgpu and with --disable-gpu it gives no adapter.
    const gpujs = await runPage('gpujs', BASE_ARGS);
    print('gpu.js backend, WebGPU disabled', gpujs);
    if (!gpujs.report || gpujs.error || gpujs.report.failed > 0 || (gpujs.report.mode !== null && gpujs.report.passed === 0)) code = 1;
    if (gpujs.report?.webgpuAdapter) {
      console.log('  navigator.gpu gave an adapter although WebGPU was to be off');
      code = 1;
    }
    if (!values['no-webgpu']) {
      const webgpu = await runPage('webgpu', [...BASE_ARGS, '--enable-unsafe-webgpu'], values['webgpu-groups']);
      print('@dreamer/webgpu through navigator.gpu, WebGPU enabled (information only; --webgpu makes it the check)', webgpu);
    }
  }
} finally {
  server.close();
}
console.log(code === 0 ? '\nbrowser check: OK' : '\nbrowser check: FAILED');
process.exit(code);
