/**
 * The engine's op suite, written once and run on every backend: a backend's test file
 * describes its device and calls `opSuite(device)`. Forward values are compared with
 * hand-computed or independently computed (naive loop) results; gradients with central
 * finite differences; see device.ts for what a device declares.
 */
import { activationSuite } from './activation.ts';
import { autodiffSuite } from './autodiff.ts';
import { convSuite } from './conv.ts';
import { creationSuite } from './creation.ts';
import type { SuiteDevice } from './device.ts';
import { elementwiseSuite } from './elementwise.ts';
import { errorSuite } from './errors.ts';
import { fusedSuite } from './fused.ts';
import { elementwiseGradSuite } from './grad-elementwise.ts';
import { structuredGradSuite } from './grad-structured.ts';
import { matmulSuite } from './matmul.ts';
import { memorySuite } from './memory.ts';
import { randomSuite } from './random.ts';
import { reduceSuite } from './reduce.ts';
import { scanSuite } from './scan.ts';
import { shapeSuite } from './shape.ts';

export type { SuiteDevice, Tolerances } from './device.ts';
export { gradCheck, registerGradCases, type GradCase } from './gradcheck.ts';

/** Forward-value tests of every op group (no gradients). */
export function forwardSuite(device: SuiteDevice): void {
  creationSuite(device);
  elementwiseSuite(device);
  activationSuite(device);
  reduceSuite(device);
  shapeSuite(device);
  matmulSuite(device);
  convSuite(device);
  scanSuite(device);
  randomSuite(device);
  errorSuite(device);
  memorySuite(device);
}

/** Autodiff semantics and finite-difference gradient checks of every differentiable op. */
export function gradientSuite(device: SuiteDevice): void {
  autodiffSuite(device);
  elementwiseGradSuite(device);
  structuredGradSuite(device);
}

/** Fused ops: values and gradients against a float64 composed reference, and gradient checks. */
export { fusedSuite };

/** The whole suite. */
export function opSuite(device: SuiteDevice): void {
  forwardSuite(device);
  gradientSuite(device);
  fusedSuite(device);
}
