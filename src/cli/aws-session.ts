import { Command, Option } from 'commander';

export { awsError, openSession, parameterValue, whoAmI } from '../common/aws-session';
export type { AwsOptions, AwsSession, CallerIdentity } from '../common/aws-session';

/** Adds `--region`, `--profile`, `--role-arn` and `--external-id` to a command. */
export function withAwsOptions(command: Command): Command {
  return command
    .addOption(new Option('--region <region>', 'the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile\'s)'))
    .addOption(new Option('--profile <name>', 'the AWS profile to take credentials from (default: AWS_PROFILE, or the SDK\'s usual chain)'))
    .addOption(new Option('--role-arn <arn>', 'a role to assume first, for example the environment\'s provisioning role'))
    .addOption(new Option('--external-id <id>', 'the sts:ExternalId the role requires'));
}

