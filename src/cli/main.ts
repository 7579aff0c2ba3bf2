import { Command, CommanderError } from 'commander';
import { registerApp } from './app/command';
import { registerAudit } from './audit/command';
import { registerBackstage } from './backstage/command';
import { registerBootstrap } from './bootstrap/command';
import { CliIo, CommandRegistration, EXIT_CODES_HELP } from './command';
import { registerCost } from './cost/command';
import { registerCreateApp } from './create-app/command';
import { registerDoctor } from './doctor/command';
import { registerEnv } from './env/command';
import { CliError, ExitCode } from './errors';
import { registerRunner } from './runner/command';
import { registerTeardown } from './teardown/command';

/** The commands of the command line. */
const COMMANDS: CommandRegistration[] = [
  registerCost, registerTeardown, registerAudit, registerApp, registerBootstrap, registerEnv, registerDoctor, registerCreateApp, registerRunner,
  registerBackstage,
];

function program(io: CliIo): Command {
  const cli = new Command('harmonix')
    .description('harmonix-cdk command line: what a synthesized platform costs when idle, what a teardown leaves behind, the audit records of deployments, an app\'s status in an environment (app status), an app repository\'s environments (fetch, doctor), and GitLab: an app\'s project with its pipeline ready (create-app), runners (runner register), and the blueprints as Backstage templates (backstage templates).')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ writeOut: text => io.out(text.trimEnd()), writeErr: text => io.err(text.trimEnd()) })
    .addHelpText('after', EXIT_CODES_HELP);
  COMMANDS.forEach(register => register(cli, io));
  return cli;
}

/** Runs the command line; resolves to the exit code. Errors are one sentence; --debug adds the trace. */
export async function main(argv: string[], io: CliIo = { out: t => process.stdout.write(`${t}\n`), err: t => process.stderr.write(`${t}\n`) }): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await program(io).parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help ends the program "with an error" in commander's terms; it is not one.
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (e instanceof CliError) {
      io.err(`harmonix: ${e.message}`);
      if (debug) io.err(e.stack ?? '');
      return e.exitCode;
    }
    io.err(`harmonix: unexpected error: ${(e as Error).message}${debug ? `\n${(e as Error).stack}` : ' (run again with --debug for details)'}`);
    return ExitCode.INTERNAL;
  }
}
