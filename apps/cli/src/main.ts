#!/usr/bin/env node
/**
 * The `dreamer` command. Subcommands live in src/commands/; this file only dispatches.
 * Exit codes: 0 success, 1 failure while running, 2 bad usage.
 */
import { evaluate } from './commands/eval.ts';
import { profile } from './commands/profile.ts';
import { smoke } from './commands/smoke.ts';
import { tasks } from './commands/tasks.ts';
import { train } from './commands/train.ts';

const HELP = `dreamer — the Dreamer agent ("Dream to Control") on WebGPU, in TypeScript

Usage: pnpm dreamer <command> [options]

Commands:
  train      Train Dreamer on a task (the seed's train script; resumes when re-run)
  eval       Run a trained run's policy for N episodes: returns, GIF videos, eval.json
  tasks      List the tasks with their observation and action spaces, and the seed names' stand-ins
  profile    Time one training step of a config (per-kernel table on WebGPU, per phase on the CPU)
  smoke      Check the engine end to end: fit a small MLP and report the loss and speed
  help       Show this help

Example (a few minutes on a CPU):
  pnpm dreamer train --logdir ./logdir/debug --params '{defaults: [dreamer, debug], tasks: [dummy]}' --set backend=cpu

Run 'pnpm dreamer <command> --help' for a command's options.
Exit codes: 0 success, 1 failure while running, 2 bad usage, 130 interrupted (Ctrl-C).`;

const COMMANDS = ['train', 'eval', 'tasks', 'profile', 'smoke', 'help'];

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'smoke':
      return smoke(rest);
    case 'train':
      return train(rest);
    case 'eval':
      return evaluate(rest);
    case 'tasks':
      return tasks(rest);
    case 'profile':
      return profile(rest);
    default: {
      const near = COMMANDS.find((c) => c.startsWith(command.slice(0, 2)));
      console.error(`dreamer: unknown command "${command}"; expected one of ${COMMANDS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`);
      return 2;
    }
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
