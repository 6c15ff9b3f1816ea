/**
 * WebGPU probe: `node packages/webgpu/src/probe.ts`.
 * Prints the adapter on one line and exits 0; prints what to install and exits 3 when there is
 * no adapter; exits 1 on any other failure (for example a device that cannot be created).
 * tools/setup runs it to decide whether to install Vulkan drivers.
 */
import { formatAdapter, NoAdapterError, openAdapter } from './adapter.ts';

async function main(): Promise<number> {
  let opened;
  try {
    opened = await openAdapter();
  } catch (e) {
    if (e instanceof NoAdapterError) {
      console.error(`webgpu probe: ${e.message}`);
      return 3;
    }
    throw e;
  }
  // A device proves the adapter usable; destroy it so Dawn lets the process go.
  const device = await opened.adapter.requestDevice();
  device.destroy();
  console.log(`webgpu probe: adapter ${formatAdapter(opened)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`webgpu probe: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
