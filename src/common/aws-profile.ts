/** What a shell gets AWS credentials from before it assumes a role. */
export type CredentialSource = 'Ec2InstanceMetadata' | 'EcsContainer';

/** How a shell assumes one role through an AWS profile. */
export interface AssumeRoleProfile {
  /** The variable that holds the role's ARN, without `$`. */
  readonly roleVariable: string;
  /** An EC2 instance's role (CI runners), or a container's (CodeBuild). */
  readonly credentialSource: CredentialSource;
  /** The variable that holds the `sts:ExternalId` the role requires, without `$`, if it requires one. */
  readonly externalIdVariable?: string;
}

/**
 * Shell commands that write the profile `harmonix` (the role in `roleVariable`, assumed from the
 * credential source) and make it the default: the AWS CLI, the SDKs and the CDK CLI then act as
 * that role and refresh its credentials themselves.
 */
export function assumeRoleProfileCommands(profile: AssumeRoleProfile): string[] {
  const lines = ['[profile harmonix]', 'role_arn = %s', `credential_source = ${profile.credentialSource}`];
  const values = [`"$${profile.roleVariable}"`];
  if (profile.externalIdVariable) {
    lines.push('external_id = %s');
    values.push(`"$${profile.externalIdVariable}"`);
  }
  return [
    'mkdir -p ~/.aws',
    `printf "${lines.join('\\n')}\\n" ${values.join(' ')} > ~/.aws/config`,
    'export AWS_PROFILE=harmonix',
  ];
}
