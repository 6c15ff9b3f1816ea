#!/usr/bin/env node
/**
 * The `dreamer` command. Subcommands live in src/commands/; this file only dispatches.
 * Exit codes: 0 success, 1 failure while running, 2 bad usage.
 */
import { smoke } from './commands/smoke.ts';
import { train } from './commands/train.ts';

const HELP = `dreamer — the Dreamer agent ("Dream to Control") on WebGPU, in TypeScript

Usage: pnpm dreamer <command> [options]

Commands:
  smoke      Check the engine end to end: fit a small MLP and report the loss and speed
  train      Train Dreamer on a task (the seed's train script; resumes when re-run)
  help       Show this help

Run 'pnpm dreamer <command> --help' for a command's options.`;

const COMMANDS = ['smoke', 'train', 'help'];

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
