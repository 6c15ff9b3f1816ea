// One MuJoCo model + data pair with cached array views and dm_control's stepping rule.
// Views into WASM memory are reused between steps because each Embind getter allocates; they
// are rebuilt whenever the WASM heap grows (growth detaches the old views).
import { compileModel, mujoco, OBJ_TYPE, type MjData, type MjModel, type Mujoco, type ObjectKind } from './mujoco.ts';
import type { Scene } from './scene.ts';
import { captureScene } from './snapshot.ts';

const RK4 = 1;

interface Views {
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  xpos: Float64Array;
  xmat: Float64Array;
  xipos: Float64Array;
  sensordata: Float64Array;
  geomXpos: Float64Array;
  geomXmat: Float64Array;
  siteXpos: Float64Array;
  camXpos: Float64Array;
  camXmat: Float64Array;
}

export class Physics {
  readonly mj: Mujoco;
  readonly model: MjModel;
  readonly data: MjData;
  readonly label: string;
  readonly timestep: number;
  private readonly rk4: boolean;
  private v: Views;
  private closed = false;

  constructor(xml: string, label: string) {
    this.mj = mujoco();
    this.label = label;
    this.model = compileModel(xml, label);
    this.data = new this.mj.MjData(this.model);
    this.timestep = this.model.opt.timestep;
    this.rk4 = Number(this.model.opt.integrator) === RK4;
    this.v = this.makeViews();
    this.forward();
  }

  private makeViews(): Views {
    const d = this.data;
    return {
      qpos: d.qpos,
      qvel: d.qvel,
      ctrl: d.ctrl,
      xpos: d.xpos,
      xmat: d.xmat,
      xipos: d.xipos,
      sensordata: d.sensordata,
      geomXpos: d.geom_xpos,
      geomXmat: d.geom_xmat,
      siteXpos: d.site_xpos,
      camXpos: d.cam_xpos,
      camXmat: d.cam_xmat,
    };
  }

  /** Live views (qpos, qvel, xpos, …); valid until the next call into MuJoCo that may grow the heap. */
  get views(): Views {
    if (this.closed) throw new Error(`${this.label}: physics used after close()`);
    // xpos always has the world body, so length 0 means the heap grew and detached it.
    if (this.v.xpos.length === 0) this.v = this.makeViews();
    return this.v;
  }

  get nq(): number {
    return this.model.nq;
  }
  get nv(): number {
    return this.model.nv;
  }
  get nu(): number {
    return this.model.nu;
  }
  get time(): number {
    return this.data.time;
  }
  set time(t: number) {
    this.data.time = t;
  }

  /** Id of a named object; throws naming the object if the model has none by that name. */
  id(kind: ObjectKind, name: string): number {
    const i = this.mj.mj_name2id(this.model, OBJ_TYPE[kind], name);
    if (i < 0) throw new Error(`${this.label}: the model has no ${kind} named '${name}'`);
    return i;
  }

  /** Offset of a named joint in qpos / qvel. */
  qposAdr(joint: string): number {
    return (this.model.jnt_qposadr as Int32Array)[this.id('joint', joint)];
  }
  dofAdr(joint: string): number {
    return (this.model.jnt_dofadr as Int32Array)[this.id('joint', joint)];
  }
  /** Offset of a named sensor's values in sensordata. */
  sensorAdr(sensor: string): number {
    return (this.model.sensor_adr as Int32Array)[this.id('sensor', sensor)];
  }

  /** Zero the state (qpos = qpos0, qvel = 0, time 0) without recomputing derived quantities. */
  resetData(): void {
    this.mj.mj_resetData(this.model, this.data);
  }

  /** Recompute every derived quantity (kinematics, contacts, sensors) from qpos/qvel. */
  forward(): void {
    this.mj.mj_forward(this.model, this.data);
  }

  /**
   * Advance `n` physics steps with the current ctrl. Like dm_control's legacy step, the last
   * call is mj_step1, so positions, contacts and velocity sensors describe the new state
   * (observations need no extra mj_forward). Euler reuses the mj_step1 of the previous call
   * and starts with mj_step2; RK4 cannot be split, so it runs whole mj_steps.
   */
  step(n: number): void {
    const { mj, model, data } = this;
    const t0 = data.time;
    if (this.rk4) {
      for (let i = 0; i < n; i++) mj.mj_step(model, data);
    } else {
      mj.mj_step2(model, data);
      for (let i = 1; i < n; i++) mj.mj_step(model, data);
    }
    mj.mj_step1(model, data);
    // MuJoCo resets the data (time back to 0) when the state blows up: surface it instead.
    if (!(Math.abs(data.time - (t0 + n * this.timestep)) < 0.5 * this.timestep)) {
      throw new Error(
        `${this.label}: the simulation became unstable at t=${t0.toFixed(4)} s (MuJoCo reset the state); ` +
          'this is a physics error, not an agent error',
      );
    }
  }

  /** Joints' [lo, hi] ranges and types, for randomising initial states. */
  joints(): { name: string; type: number; qposAdr: number; range: [number, number] }[] {
    const m = this.model;
    const types = m.jnt_type as Int32Array;
    const adr = m.jnt_qposadr as Int32Array;
    const range = m.jnt_range as Float64Array;
    const out = [];
    for (let j = 0; j < m.njnt; j++) {
      const name = this.mj.mj_id2name(m, OBJ_TYPE.joint, j) ?? '';
      out.push({ name, type: types[j], qposAdr: adr[j], range: [range[2 * j], range[2 * j + 1]] as [number, number] });
    }
    return out;
  }

  /** Number of active contacts (after forward/step). */
  get ncon(): number {
    return this.data.ncon;
  }

  /** A plain description of the current frame for the renderer. */
  scene(): Scene {
    return captureScene(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.data.delete();
    this.model.delete();
  }
}
