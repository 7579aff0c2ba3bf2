import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** Environment names become SSM paths, tag values, resource names and DNS labels. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Full path of a GitLab project, nested groups included (`platform/shop/orders`). */
export const GITLAB_PROJECT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;
/** A CI runner tag (GitLab) or label (self-hosted GitHub runners). */
export const RUNNER_TAG = /^[\w.:/-]{1,100}$/;
/** A GitHub repository as `owner/name`. */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]+$/;

/** True for a short name: 2 to 32 lower-case letters, digits and single hyphens, starting with a letter. */
export function isShortName(name: string): boolean {
  return ENVIRONMENT_NAME.test(name) && !name.includes('--');
}

/** True for the form of an AWS region name (`eu-west-1`, `us-gov-west-1`, `ap-southeast-5`). */
export function isAwsRegion(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+){1,2}-\d{1,2}$/.test(region);
}

/** Checks an environment name; returns it unchanged. */
export function validateEnvironmentName(scope: IConstruct, prop: string, name: string): string {
  if (Token.isUnresolved(name)) {
    throw propError(scope, prop, 'must be a literal string, not a token: it becomes an SSM path, tags and resource names at synth time.');
  }
  return validateShortName(scope, prop, name, '"dev" or "payments-prod"');
}

/**
 * Checks a short name that becomes part of resource names, paths and tags (environments,
 * runners): 2 to 32 lower-case letters, digits and single hyphens; returns it unchanged.
 */
export function validateShortName(scope: IConstruct, prop: string, name: string, example: string): string {
  if (!isShortName(name)) {
    throw propError(scope, prop,
      `"${name}" must be 2 to 32 characters of lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit (for example ${example}).`);
  }
  return name;
}

/**
 * Checks the instance types of one group: at least one, no duplicate, all of one architecture
 * (a group runs one machine image); returns that architecture.
 */
export function validateInstanceTypes(scope: IConstruct, prop: string, types: ec2.InstanceType[]): ec2.InstanceArchitecture {
  if (types.length === 0) {
    throw propError(scope, prop, 'must name at least one instance type, such as ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE).');
  }
  const architectures = [...new Set(types.map(t => t.architecture))];
  if (architectures.length > 1) {
    throw propError(scope, prop,
      `mixes architectures (${types.map(t => `${t} ${t.architecture}`).join(', ')}); one group runs one machine image, so give types of one architecture.`);
  }
  if (new Set(types.map(t => t.toString())).size !== types.length) {
    throw propError(scope, prop, `names an instance type twice (${types.join(', ')}).`);
  }
  return architectures[0];
}

/** Checks an IPv4 CIDR block with a prefix between min and max; returns it unchanged. */
export function validateCidr(scope: IConstruct, prop: string, cidr: string, minPrefix = 16, maxPrefix = 24): string {
  if (Token.isUnresolved(cidr)) {
    return cidr;
  }
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some(o => o > 255)) {
    throw propError(scope, prop, `"${cidr}" is not an IPv4 CIDR block such as "10.0.0.0/16".`);
  }
  if (prefix < minPrefix || prefix > maxPrefix) {
    throw propError(scope, prop, `"${cidr}" has prefix /${prefix}; use a prefix between /${minPrefix} and /${maxPrefix}.`);
  }
  // eslint-disable-next-line no-bitwise
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  // eslint-disable-next-line no-bitwise
  const hostBits = prefix === 0 ? address : (address & (2 ** (32 - prefix) - 1));
  if (hostBits !== 0) {
    throw propError(scope, prop, `"${cidr}" has host bits set; use the network address of the block.`);
  }
  return cidr;
}

/** Checks that an integer lies in [min, max]; returns it unchanged. */
export function validateIntegerRange(scope: IConstruct, prop: string, value: number, min: number, max: number): number {
  if (Token.isUnresolved(value)) {
    return value;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw propError(scope, prop, `${value} is out of range; use a whole number from ${min} to ${max}.`);
  }
  return value;
}

/**
 * Checks an IAM role ARN that a trust policy will name. An account root ARN is refused: the
 * environment roles trust the principals they are given, never a whole account.
 */
export function validateRoleArn(scope: IConstruct, prop: string, arn: string): string {
  if (Token.isUnresolved(arn)) {
    return arn;
  }
  if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn)) {
    throw propError(scope, prop,
      `"${arn}" trusts a whole account; name the role that assumes this one, such as "arn:aws:iam::123456789012:role/gitlab-runner".`);
  }
  if (!isRoleArn(arn)) {
    throw propError(scope, prop,
      `"${arn}" is not an IAM principal ARN; give a role ARN such as "arn:aws:iam::123456789012:role/gitlab-runner".`);
  }
  return arn;
}

/** True for an IAM role ARN (with or without a path). */
export function isRoleArn(arn: string): boolean {
  return ROLE_ARN.test(arn);
}

/**
 * The URL of a GitLab instance (gitlab.com or self-managed: HTTPS, a host name, an optional
 * port and relative URL root) without a trailing slash, or undefined when it is not one.
 */
export function gitlabInstanceUrl(url: string): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(parsed.hostname)
    || parsed.search || parsed.hash || parsed.username || parsed.password) {
    return undefined;
  }
  return url.replace(/\/+$/, '');
}

/** Checks an sts:ExternalId value (2 to 1224 characters, per STS; we require at least 8). */
export function validateExternalId(scope: IConstruct, prop: string, externalId: string): string {
  if (Token.isUnresolved(externalId)) {
    return externalId;
  }
  if (externalId.length < 8 || externalId.length > 1224 || !EXTERNAL_ID.test(externalId)) {
    throw propError(scope, prop,
      'must be 8 to 1224 characters of letters, digits and +=,.@:/- (a short external id is guessable; use a random value of 16 characters or more).');
  }
  return externalId;
}

/** Checks a CDK bootstrap qualifier (as `cdk bootstrap --qualifier` accepts). */
export function validateQualifier(scope: IConstruct, prop: string, qualifier: string): string {
  if (Token.isUnresolved(qualifier)) {
    throw propError(scope, prop, 'must be a literal string: it becomes part of the bootstrap role names.');
  }
  if (!/^[a-z0-9]{1,10}$/.test(qualifier)) {
    throw propError(scope, prop, `"${qualifier}" must be 1 to 10 lower-case letters or digits, as given to \`cdk bootstrap --qualifier\`.`);
  }
  return qualifier;
}

/** Checks a non-empty list. */
export function validateNotEmpty<T>(scope: IConstruct, prop: string, values: readonly T[] | undefined, hint: string): readonly T[] {
  if (!values || values.length === 0) {
    throw propError(scope, prop, `must name at least one ${hint}.`);
  }
  return values;
}

/**
 * App names are DNS labels of 1 to 40 characters, starting with a letter, without a double hyphen:
 * they name the Cloud Map service, log groups, SSM paths and tags. As a JSON Schema pattern (the
 * portal's templates ask for names with it).
 */
export const APP_NAME_PATTERN = '^(?!.*--)[a-z]([a-z0-9-]{0,38}[a-z0-9])?$';
const APP_NAME = new RegExp(APP_NAME_PATTERN);

/** A Kubernetes namespace (or other object) name: an RFC 1123 DNS label of at most 63 characters. */
export const KUBERNETES_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for an app name: a DNS label of 1 to 40 characters without a double hyphen. */
export function isAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/** Checks an app name; returns it unchanged. */
export function validateAppName(scope: IConstruct, prop: string, name: string): string {
  if (Token.isUnresolved(name)) {
    throw propError(scope, prop, 'must be a literal string, not a token: it becomes a DNS name, log group, SSM path and tags at synth time.');
  }
  if (!isAppName(name)) {
    throw propError(scope, prop,
      `"${name}" is not a DNS label: use 1 to 40 lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit (for example "orders").`);
  }
  return name;
}

/**
 * True for a Backstage entity reference, `[kind:][namespace/]name`, as the catalog's owner and
 * system fields take it (names: letters, digits and `-_.`, up to 63 characters).
 */
export function isEntityRef(ref: string): boolean {
  const name = '[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?';
  return new RegExp(`^([A-Za-z]+:)?(${name}/)?${name}$`).test(ref);
}

/** Environment variable names as shells and every runtime accept them. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks an environment variable name; returns it unchanged. */
export function validateVariableName(scope: IConstruct, prop: string, name: string): string {
  if (!VARIABLE_NAME.test(name)) {
    throw propError(scope, prop, `"${name}" is not an environment variable name: use letters, digits and underscores, not starting with a digit (for example "ORDERS_DB").`);
  }
  return name;
}

/** Checks the Aurora Serverless v2 capacity range: 0 to 256 ACU in steps of 0.5, min below max. */
export function validateAuroraCapacity(scope: IConstruct, minProp: string, min: number, maxProp: string, max: number): void {
  if (!Token.isUnresolved(min) && (min < 0 || min > 256 || (min * 2) % 1 !== 0)) {
    throw propError(scope, minProp, `${min} is not an Aurora capacity; use 0 to 256 in steps of 0.5.`);
  }
  if (!Token.isUnresolved(max) && (max < 1 || max > 256 || (max * 2) % 1 !== 0 || max < min)) {
    throw propError(scope, maxProp, `${max} must be an Aurora capacity from 1 to 256 in steps of 0.5, not below ${minProp} ${min}.`);
  }
}

/** True when the stack of `scope` is known to be in another account or region than the given ones. */
export function inAnotherAccountOrRegion(scope: IConstruct, account: string, region: string): boolean {
  const stack = Stack.of(scope);
  const differs = (mine: string, theirs: string) => !Token.isUnresolved(mine) && !Token.isUnresolved(theirs) && mine !== theirs;
  return differs(stack.account, account) || differs(stack.region, region);
}

/** An ECR image tag (Docker's tag grammar) or an image digest. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Checks the tag or digest a task is pinned to: an image tag (`4f2a9c1`, `v1.2.3`) or a digest
 * (`sha256:` and 64 hex digits). "latest" is refused: it names whatever was pushed last, so a
 * task restarted tomorrow would run another image than today's.
 */
export function validateImageReference(scope: IConstruct, prop: string, reference: string): string {
  if (Token.isUnresolved(reference)) {
    return reference;
  }
  if (reference === 'latest') {
    throw propError(scope, prop, '"latest" moves with every push; pin the image to a tag such as the commit the pipeline built, or to its digest ("sha256:...").');
  }
  if (!IMAGE_TAG.test(reference) && !IMAGE_DIGEST.test(reference)) {
    throw propError(scope, prop,
      `"${reference}" is neither an image tag (1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-") nor a digest ("sha256:" and 64 lower-case hex digits).`);
  }
  return reference;
}

/**
 * Checks a physical name an IAM or another service limits (role names: 64 characters of letters,
 * digits and `+=,.@_-`), when one is given; aws-cdk-lib would refuse it without naming the prop.
 */
export function checkIamName(scope: IConstruct, prop: string, name: string | undefined, max: number): string | undefined {
  if (name === undefined || Token.isUnresolved(name)) {
    return name;
  }
  if (!new RegExp(`^[\\w+=,.@-]{1,${max}}$`).test(name)) {
    throw propError(scope, prop, `"${name}" is not an IAM name: use 1 to ${max} letters, digits and +=,.@_- (it has ${name.length} characters).`);
  }
  return name;
}

/**
 * Checks a duration against a service's range in seconds, before aws-cdk-lib refuses it in its
 * own words (or the service at deployment); returns the seconds.
 */
export function validateSeconds(scope: IConstruct, prop: string, duration: Duration, min: number, max: number, what: string): number {
  const seconds = duration.toSeconds();
  if (Token.isUnresolved(seconds)) {
    return seconds;
  }
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw propError(scope, prop, `${duration.toHumanString()} is out of range for ${what}; give whole seconds from ${min} to ${max} (${Duration.seconds(max).toHumanString()}).`);
  }
  return seconds;
}

/** Checks a free-text description against a service's length limit; returns it unchanged. */
export function validateDescription(scope: IConstruct, prop: string, text: string | undefined, max: number): string | undefined {
  if (text !== undefined && !Token.isUnresolved(text) && text.length > max) {
    throw propError(scope, prop, `has ${text.length} characters; give at most ${max}.`);
  }
  return text;
}
