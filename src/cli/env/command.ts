import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { descriptorParameterName, DESCRIPTORS_DIR } from '../../common/naming';
import { isShortName } from '../../common/validation';
import { EnvironmentDescriptor, parseDescriptor } from '../../contract/descriptor';
import { AwsOptions, openSession, parameterValue, whoAmI, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { CliError, ExitCode } from '../errors';

interface FetchOptions extends AwsOptions {
  readonly dir: string;
  readonly json?: boolean;
}

/** What `env fetch` did with one environment. */
export interface FetchedEnvironment {
  readonly name: string;
  readonly kind: string;
  readonly stage: number;
  readonly requireApproval: boolean;
  readonly file: string;
  /** `written`, or `unchanged` when the file held that descriptor already. */
  readonly status: string;
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
      // Every descriptor is read and checked before any file is written: all or nothing.
      const descriptors: Array<{ name: string; text: string; descriptor: EnvironmentDescriptor }> = [];
      for (const name of [...new Set(names)]) {
        const parameter = descriptorParameterName(name);
        const text = await parameterValue(session, parameter);
        if (text === undefined) {
          throw new CliError(`environment "${name}" has no descriptor at ${parameter} in account ${caller.account}, ${session.region}: `
            + 'is it deployed there? Read another account with --profile or --role-arn, another region with --region.', ExitCode.INPUT);
        }
        let descriptor: EnvironmentDescriptor;
        try {
          descriptor = parseDescriptor(`${parameter} in account ${caller.account}`, text);
        } catch (e) {
          throw new CliError((e as Error).message, ExitCode.INPUT);
        }
        if (descriptor.name !== name || descriptor.account !== caller.account || descriptor.region !== session.region) {
          throw new CliError(`${parameter} in account ${caller.account}, ${session.region} describes environment "${descriptor.name}" `
            + `of account ${descriptor.account}, ${descriptor.region}; it was not written by that environment: deploy the environment again.`, ExitCode.INPUT);
        }
        descriptors.push({ name, text, descriptor });
      }
      const fetched: FetchedEnvironment[] = descriptors.map(({ name, text, descriptor }) => {
        const file = path.join(options.dir, `${name}.json`);
        // The text as SSM holds it (fields of a newer schema minor included), formatted.
        const content = `${JSON.stringify(JSON.parse(text), undefined, 2)}\n`;
        const unchanged = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content;
        if (!unchanged) {
          fs.mkdirSync(options.dir, { recursive: true });
          fs.writeFileSync(file, content);
        }
        return {
          name, kind: descriptor.kind, stage: descriptor.stage, requireApproval: descriptor.requireApproval, file, status: unchanged ? 'unchanged' : 'written',
        };
      });
      io.out(options.json
        ? JSON.stringify({ account: caller.account, region: session.region, environments: fetched }, undefined, 2)
        : fetched.map(f => `${f.name}: ${f.kind} environment, stage ${f.stage}${f.requireApproval ? ', approval required' : ''}: ${f.file} ${f.status}`).join('\n'));
    });
}
