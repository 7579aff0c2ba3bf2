/** Exit codes of the harmonix command line (documented in `harmonix --help`), which the operations core (ops/) uses too. */
export enum ExitCode {
  OK = 0,
  /** Something went wrong that is not the caller's input (a bug: run again with --debug). */
  INTERNAL = 1,
  /** The command line itself is wrong: an unknown option, a missing argument. */
  USAGE = 2,
  /** The input cannot be read: no such path, not a cloud assembly, an unreadable template. */
  INPUT = 3,
  /** The price table does not carry the region asked for. */
  REGION = 4,
  /** AWS could not be reached, or refused: no credentials, the audit writer said no. */
  AWS = 5,
  /** A check found something to fix (doctor). */
  CHECKS = 6,
  /** GitLab or GitHub could not be reached, or refused: no token, a token without the scope, a name taken. */
  GITLAB = 7,
}

/** An error the user can fix: one sentence, and the exit code it ends the command with. */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode: ExitCode) {
    super(message);
  }
}
