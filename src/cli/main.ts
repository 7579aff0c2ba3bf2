import { Command, CommanderError, Option } from 'commander';
import { isJsonFile, readAssembly, readJson } from './assembly';
import { CostReport, estimateCost } from './cost/estimate';
import { compareReports, formatCostReport } from './cost/report';
import { CliError, ExitCode } from './errors';
import { formatTeardownPlan, planTeardown } from './teardown/plan';

/** Where the command line writes: standard output for results, standard error for the rest. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const EXIT_CODES = `
Exit codes:
  0  done
  1  an internal error (run again with --debug and report it)
  2  the command line is wrong (unknown option, missing argument)
  3  the input cannot be read (no such folder, not a cloud assembly, unreadable template)
  4  the price table does not carry the region (cost)`;

function program(io: CliIo): Command {
  const cli = new Command('harmonix')
    .description('harmonix-cdk command line: what a synthesized platform costs when idle, and what a teardown leaves behind.')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: text => io.out(text.trimEnd()), writeErr: text => io.err(text.trimEnd()) })
    .addHelpText('after', EXIT_CODES);

  cli.command('cost')
    .description('The monthly cost of a cloud assembly when nothing uses it, per stack and resource, from its templates alone.')
    .argument('<cdk.out>', 'the folder `cdk synth` wrote')
    .option('--json', 'print the report as JSON (totalMonthlyUsd and the breakdown)')
    .option('--region <region>', 'price every stack in this region (default: each stack\'s own, us-east-1 when it has none)')
    .option('--baseline <cdk.out or json>', 'an earlier cloud assembly, or a `cost --json` report, to print the difference against')
    .addHelpText('after', `
Examples:
  harmonix cost cdk.out
  harmonix cost cdk.out --json > cost.json
  harmonix cost cdk.out --baseline main/cdk.out      # "this change adds $33/month"
${EXIT_CODES}`)
    .action((dir: string, options: { json?: boolean; region?: string; baseline?: string }) => {
      const report = estimateCost(readAssembly(dir), options.region);
      const baseline = options.baseline === undefined ? undefined : readBaseline(options.baseline, options.region);
      if (options.json) {
        io.out(JSON.stringify(baseline ? { ...report, baseline: compareReports(report, baseline) } : report, undefined, 2));
      } else {
        io.out(formatCostReport(report, baseline));
      }
    });

  cli.command('teardown')
    .description('What `cdk destroy` of a cloud assembly leaves behind and what may block it, in stack order. Deletes nothing.')
    .argument('<cdk.out>', 'the folder `cdk synth` wrote')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', `
Examples:
  harmonix teardown cdk.out
  harmonix teardown cdk.out --json
${EXIT_CODES}`)
    .action((dir: string, options: { json?: boolean }) => {
      const plan = planTeardown(readAssembly(dir));
      io.out(options.json ? JSON.stringify(plan, undefined, 2) : formatTeardownPlan(plan));
    });

  cli.addOption(new Option('--version', 'print the version').hideHelp());
  return cli;
}

function readBaseline(target: string, region?: string): CostReport {
  if (isJsonFile(target)) {
    const report = readJson(target, 'the baseline report');
    if (typeof report?.totalMonthlyUsd !== 'number' || !Array.isArray(report?.stacks)) {
      throw new CliError(`${target} is not a report of \`harmonix cost --json\` (no totalMonthlyUsd and stacks).`, ExitCode.INPUT);
    }
    return report as CostReport;
  }
  return estimateCost(readAssembly(target), region);
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[], io: CliIo = { out: t => process.stdout.write(`${t}\n`), err: t => process.stderr.write(`${t}\n`) }): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await program(io).parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end the program "with an error" in commander's terms; they are not.
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
