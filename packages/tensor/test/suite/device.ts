/**
 * What the op suite needs to know about the device it runs on. The suite is written once; a
 * backend's test file describes its device and calls `opSuite(device)` (see index.ts).
 */

export interface Tolerances {
  /** Forward values: |actual − expected| ≤ atol + rtol·|expected| (exact dtypes compare exactly). */
  readonly rtol: number;
  readonly atol: number;
  /**
   * Central finite-difference gradient checks in the device's dtype: step `eps` (absolute; the
   * inputs are O(1)), then |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
   */
  readonly grad: { readonly eps: number; readonly rtol: number; readonly atol: number };
}

export interface SuiteDevice {
  /** The registered backend name passed to `setBackend`. */
  readonly name: string;
  /** Shown in describe titles; defaults to `${name}/${dtype}`. */
  readonly label?: string;
  /** Runs once before the suite's first test (register the backend, open the device, …). */
  setup(): Promise<void> | void;
  /**
   * The float dtype that forward tests and gradient checks compute in. With 'f64' every
   * differentiable op is gradient-checked on every listed shape; with 'f32' a subset is.
   */
  readonly dtype: 'f32' | 'f64';
  readonly tol: Tolerances;
}

export function labelOf(device: SuiteDevice): string {
  return device.label ?? `${device.name}/${device.dtype}`;
}
