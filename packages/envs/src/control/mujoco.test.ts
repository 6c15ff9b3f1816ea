import { describe, expect, it } from 'vitest';
import { makeEnv, makeEnvAsync } from '../registry.ts';
import { compileModel, isMujocoLoaded, loadMujoco, mujocoVersion } from './mujoco.ts';

describe('MuJoCo WASM loading', () => {
  // Runs first: vitest gives each file a fresh module graph, so MuJoCo is not loaded yet here.
  it('a control task made before loading names the fix', () => {
    expect(isMujocoLoaded()).toBe(false);
    expect(() => makeEnv('cartpole_swingup')).toThrow(/MuJoCo is not loaded yet.*await loadMujoco\(\)/);
  });

  it('loads once and reports the pinned version', async () => {
    const [a, b] = await Promise.all([loadMujoco(), loadMujoco()]);
    expect(a).toBe(b);
    expect(await loadMujoco()).toBe(a);
    expect(mujocoVersion()).toBe('3.14.0');
  });

  it('makeEnvAsync works for every kind of task', async () => {
    const env = await makeEnvAsync('cartpole_balance');
    expect(env.name).toBe('cartpole_balance');
    env.close();
    expect((await makeEnvAsync('dummy')).name).toBe('dummy');
    await expect(makeEnvAsync('cartpole_swingupp')).rejects.toThrow(/Did you mean 'cartpole_swingup'/);
  });

  it('compiles an MJCF string through the virtual file system', async () => {
    await loadMujoco();
    const m = compileModel('<mujoco><worldbody><body><joint/><geom size=".1"/></body></worldbody></mujoco>', 'ball');
    expect(m.nq).toBe(1);
    m.delete();
  });

  it("turns compile errors into an Error carrying MuJoCo's message", async () => {
    await loadMujoco();
    expect(() => compileModel('<mujoco><worldbody><geom type="capsule" size="0.1"/></worldbody></mujoco>', 'bad_capsule')).toThrow(
      /MuJoCo could not compile the MJCF model 'bad_capsule': .*size 1 must be positive/,
    );
    expect(() => compileModel('<mujoco><worldbody><bogus/></worldbody></mujoco>', 'bogus')).toThrow(
      /'bogus': .*unrecognized element.*line 1/is,
    );
    expect(() => compileModel('<mujoco><worldbody>', 'truncated')).toThrow(/'truncated': .*XML parse error/i);
    expect(() => compileModel('', 'empty')).toThrow(/expected a non-empty MJCF string/);
    // MuJoCo keeps working after rejecting models.
    const ok = compileModel('<mujoco/>', 'empty_model');
    expect(ok.nbody).toBe(1);
    ok.delete();
  });
});
