import { describe, expect, test, vi } from 'vitest';
import { main } from './main.ts';

describe('dreamer CLI', () => {
  test('--help lists the commands', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['--help'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/smoke/);
    log.mockRestore();
  });

  test('an unknown command is a usage error naming it', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['trian'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown command "trian".*did you mean "train"/);
    err.mockRestore();
  });

  test('smoke trains the MLP and reports a falling loss', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['smoke', '--steps', '50'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/MLP loss .* -> .*smoke: ok/s);
    log.mockRestore();
  });

  test('smoke rejects an unknown backend, naming it', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['smoke', '--backend', 'tpu'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--backend must be one of cpu, webgpu, gpujs, got "tpu"/);
    err.mockRestore();
  });

  test('smoke rejects a bad --steps value', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['smoke', '--steps', 'many'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--steps must be a positive integer, got "many"/);
    err.mockRestore();
  });
});
