import { Command } from 'commander';
import { EnvironmentDescriptor } from '../../contract/descriptor';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { readDescriptorFile } from '../descriptor-file';
import { CliError, ExitCode } from '../errors';

/**
 * The `cdk bootstrap` command that makes CloudFormation deploy app stacks of an environment with
 * its scoped execution policies instead of AdministratorAccess.
 */
export function bootstrapCommand(descriptor: EnvironmentDescriptor): string[] {
  if (!descriptor.appDeployPolicyArns?.length) {
    throw new CliError(`environment ${descriptor.name} publishes no app-deploy policies (its descriptor predates schema 1.3); deploy the environment with a current harmonix-cdk and read its descriptor again.`, ExitCode.INPUT);
  }
  return ['cdk', 'bootstrap', `aws://${descriptor.account}/${descriptor.region}`,
    '--qualifier', descriptor.cdkBootstrapQualifier,
    '--cloudformation-execution-policies', descriptor.appDeployPolicyArns.join(',')];
}

/** `harmonix bootstrap-command`: prints the scoped `cdk bootstrap` of an environment. */
export function registerBootstrap(program: Command, io: CliIo): void {
  program.command('bootstrap-command')
    .description('Print the `cdk bootstrap` that makes CloudFormation deploy the environment\'s app stacks with its scoped execution policies (run it with administrator credentials, after the environment stack).')
    .requiredOption('--descriptor <file>', 'the environment descriptor (the value of its SSM parameter)')
    .addHelpText('after', `
Examples:
  aws ssm get-parameter --name /harmonix/environments/dev --query Parameter.Value --output text > dev.json
  harmonix bootstrap-command --descriptor dev.json
${EXIT_CODES_HELP}`)
    .action((options: { descriptor: string }) => {
      const descriptor = readDescriptorFile(options.descriptor);
      io.out(bootstrapCommand(descriptor).join(' '));
    });
}
