/** Names derived from an environment name, in one place so every part agrees on them. */
export const DESCRIPTOR_PARAMETER_PREFIX = '/harmonix/environments/';
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** SSM parameter that holds the environment descriptor. */
export function descriptorParameterName(environmentName: string): string {
  return `${DESCRIPTOR_PARAMETER_PREFIX}${environmentName}`;
}

/** Prefix of every CloudWatch Logs group that belongs to the environment or its apps. */
export function logGroupPrefix(environmentName: string): string {
  return `/harmonix/${environmentName}/`;
}

/** Physical name of an IAM role of the environment (stable, so other accounts can name it). */
export function environmentRoleName(environmentName: string, purpose: string): string {
  return `harmonix-${environmentName}-${purpose}`;
}

/** Physical name of the environment's ECS cluster. */
export function clusterName(environmentName: string): string {
  return `harmonix-${environmentName}`;
}

/** Name of one of the CDK bootstrap roles of an account and region. */
export function bootstrapRoleName(qualifier: string, purpose: string, account: string, region: string): string {
  return `cdk-${qualifier}-${purpose}-role-${account}-${region}`;
}

/** SSM parameter that holds the URL of an app in an environment. */
export function appUrlParameterName(appName: string, environmentName: string): string {
  return `/harmonix/apps/${appName}/${environmentName}/url`;
}
