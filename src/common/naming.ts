import { createHash } from 'crypto';
/** Names derived from an environment name, in one place so every part agrees on them. */
export const DESCRIPTOR_PARAMETER_PREFIX = '/harmonix/environments/';
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
/** Where an app's repository keeps the descriptors of its environments (`<name>.json`). */
export const DESCRIPTORS_DIR = '.harmonix/environments';

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

/** SSM parameter of an app in the platform account (`image-repository`, `build-role-arn`). */
export function appParameterName(appName: string, what: string): string {
  return `/harmonix/apps/${appName}/${what}`;
}

/** SSM parameter that holds the URL of an app in an environment. */
export function appUrlParameterName(appName: string, environmentName: string): string {
  return `/harmonix/apps/${appName}/${environmentName}/url`;
}

/** IAM path of every role an app stack of the environment creates (its execution policy allows no other). */
export function appRolePath(environmentName: string): string {
  return `/harmonix/${environmentName}/`;
}

/** Name of one of the environment's CloudFormation execution policies for app stacks (`part` '' is the main one). */
export function appDeployPolicyName(environmentName: string, part: string): string {
  return `harmonix-${environmentName}-app-deploy${part ? `-${part}` : ''}`;
}

/** Name of the permissions boundary every role of an app stack of the environment carries. */
export function appBoundaryName(environmentName: string): string {
  return `harmonix-${environmentName}-app-boundary`;
}

/** Length of the hash that makes an app bucket's name unique. */
const APP_BUCKET_HASH_LENGTH = 16;

/**
 * Name of a bucket of an app of the environment: `harmonix-<env>-<16 hex>`. The fixed-length
 * hash lets IAM match exactly this environment's app buckets (`?` per character), and never
 * those of an environment whose name starts the same way.
 */
export function appBucketName(environmentName: string, uniqueSeed: string): string {
  return `harmonix-${environmentName}-${createHash('sha256').update(uniqueSeed).digest('hex').slice(0, APP_BUCKET_HASH_LENGTH)}`;
}

/** The IAM resource pattern that matches exactly the app buckets of an environment. */
export function appBucketNamePattern(environmentName: string): string {
  return `harmonix-${environmentName}-${'?'.repeat(APP_BUCKET_HASH_LENGTH)}`;
}
