import { Command } from 'commander';
import { formatTeardownPlan, planTeardown } from './plan';
import { readAssembly } from '../assembly';
import { CliIo, EXIT_CODES_HELP } from '../command';

/** `harmonix teardown`: what destroying a cloud assembly leaves behind. Deletes nothing. */
export function registerTeardown(program: Command, io: CliIo): void {
  program.command('teardown')
    .description('What `cdk destroy` of a cloud assembly leaves behind and what may block it, in stack order. Deletes nothing.')
    .argument('<cdk.out>', 'the folder `cdk synth` wrote')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', `
Examples:
  harmonix teardown cdk.out
  harmonix teardown cdk.out --json
${EXIT_CODES_HELP}`)
    .action((dir: string, options: { json?: boolean }) => {
      const plan = planTeardown(readAssembly(dir));
      io.out(options.json ? JSON.stringify(plan, undefined, 2) : formatTeardownPlan(plan));
    });
}
