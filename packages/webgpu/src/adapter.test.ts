// Unit tests that need no adapter: formatting and the install advice. Loading `webgpu` only loads
// dawn.node, which needs no Vulkan driver.
import { describe, expect, it } from 'vitest';
import { formatAdapter, NO_ADAPTER_HELP, NoAdapterError, type OpenedAdapter } from './index.ts';

describe('formatAdapter', () => {
  it('puts the adapter on one line', () => {
    const opened = {
      adapter: {} as GPUAdapter,
      info: {
        vendor: 'mesa',
        architecture: 'software',
        device: 'llvmpipe',
        description: 'llvmpipe: Mesa 25.0.7',
        isFallbackAdapter: true,
        subgroupMinSize: 8,
        subgroupMaxSize: 8,
      },
      features: ['shader-f16', 'subgroups'],
      limits: { maxComputeInvocationsPerWorkgroup: 1024 },
    } satisfies OpenedAdapter;
    const line = formatAdapter(opened);
    expect(line).not.toContain('\n');
    expect(line).toBe(
      'llvmpipe: Mesa 25.0.7, [mesa / software / llvmpipe], fallback (CPU) adapter, subgroup size 8, 2 features, maxComputeInvocationsPerWorkgroup 1024',
    );
  });
});

describe('NoAdapterError', () => {
  it('says what to install', () => {
    const e = new NoAdapterError();
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe(NO_ADAPTER_HELP);
    expect(e.message).toContain('apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1');
    expect(e.message).toContain('tools/setup');
  });
});
