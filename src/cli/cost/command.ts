import { Command } from 'commander';
import { CostReport, estimateCost } from './estimate';
import { compareReports, formatCostReport } from './report';
import { isJsonFile, readAssembly, readJson } from '../assembly';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { CliError, ExitCode } from '../errors';

/** `harmonix cost`: what a cloud assembly costs a month when nothing uses it. */
export function registerCost(program: Command, io: CliIo): void {
  program.command('cost')
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
${EXIT_CODES_HELP}`)
    .action((dir: string, options: { json?: boolean; region?: string; baseline?: string }) => {
      const report = estimateCost(readAssembly(dir), options.region);
      const baseline = options.baseline === undefined ? undefined : readBaseline(options.baseline, options.region);
      if (options.json) {
        io.out(JSON.stringify(baseline ? { ...report, baseline: compareReports(report, baseline) } : report, undefined, 2));
      } else {
        io.out(formatCostReport(report, baseline));
      }
    });
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
