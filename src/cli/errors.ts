/** The command line's errors are the library's user errors (common/user-errors.ts), shared with ops/. */
export { CliError, ExitCode } from '../common/user-errors';
