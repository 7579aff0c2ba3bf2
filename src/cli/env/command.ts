import { Command } from 'commander';
import { readDescriptors, writeDescriptors } from './descriptors';
import { DESCRIPTORS_DIR } from '../../common/naming';
import { isShortName } from '../../common/validation';
import { AwsOptions, openSession, whoAmI, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { CliError, ExitCode } from '../errors';

interface FetchOptions extends AwsOptions {
  readonly dir: string;
  readonly json?: boolean;
}

/** `harmonix env fetch`: environments' descriptors from SSM into the repository, checked. */
export function registerEnv(program: Command, io: CliIo): void {
  const env = program.command('env').description('The environments an app deploys to.');
  withAwsOptions(env.command('fetch')
    .description('Read environments\' descriptors from SSM Parameter Store (/harmonix/environments/<name>) into the repository, checked by the descriptor reader.')
    .argument('<names...>', 'the environments, for example dev qa')
    .option('--dir <dir>', 'where the descriptors go', DESCRIPTORS_DIR)
    .option('--json', 'print what was fetched as JSON'))
    .addHelpText('after', `
The descriptors are read in the account of the credentials (say which with --profile, or
--role-arn for the environment's provisioning or operations role), in --region.

Examples:
  harmonix env fetch dev qa --region eu-west-1
  harmonix env fetch prod --role-arn arn:aws:iam::333333333333:role/harmonix-prod-operations --external-id <id>
${EXIT_CODES_HELP}`)
    .action(async (names: string[], options: FetchOptions) => {
      const bad = names.find(n => !isShortName(n));
      if (bad !== undefined) {
        throw new CliError(`"${bad}" is not an environment name: 2 to 32 lower-case letters, digits and single hyphens, starting with a letter.`, ExitCode.USAGE);
      }
      const session = openSession(options);
      const caller = await whoAmI(session);
      if (!options.json) {
        io.err(`reading from account ${caller.account} as ${caller.arn}, in ${session.region}`);
      }
      const fetched = writeDescriptors(await readDescriptors(session, caller, names), options.dir);
      io.out(options.json
        ? JSON.stringify({ account: caller.account, region: session.region, environments: fetched }, undefined, 2)
        : fetched.map(f => `${f.name}: ${f.kind} environment, stage ${f.stage}${f.requireApproval ? ', approval required' : ''}: ${f.file} ${f.status}`).join('\n'));
    });
}
