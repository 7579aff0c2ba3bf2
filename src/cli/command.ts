import { Command } from 'commander';

/** Where the command line writes: standard output for results, standard error for the rest. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The exit codes every command documents in its help. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  an internal error (run again with --debug and report it)
  2  the command line is wrong (unknown option, missing argument)
  3  the input cannot be read (no such folder, not a cloud assembly, unreadable template)
  4  the price table does not carry the region (cost)
  5  AWS could not be reached or refused (audit, env, doctor)
  6  a check found something to fix (doctor)
  7  GitLab or GitHub could not be reached or refused (create-app, runner register)`;

/**
 * One command of the `harmonix` command line: adds itself (arguments, options, help with
 * examples, action) to the program. A new command is a folder with one of these, listed in main.ts.
 */
export type CommandRegistration = (program: Command, io: CliIo) => void;
