import { AwsSession, openSession } from '../common/aws-session';
import { CliError, ExitCode } from '../common/user-errors';
import { EnvironmentDescriptor } from '../contract/descriptor';

/**
 * One environment, reached through its operations role: the role, account and region come from the
 * environment's descriptor (never from a caller's request), and every AWS client is made per call
 * from this session's credentials.
 */
export interface OperationsSession {
  readonly descriptor: EnvironmentDescriptor;
  /** Credentials of the operations role, in the environment's region. */
  readonly aws: AwsSession;
}

/** How the operations role is assumed. */
export interface OperationsOptions {
  /** The sts:ExternalId the environment's role requires (its `externalId` prop). */
  readonly externalId?: string;
  /** The AWS profile whose credentials assume the role (default: the SDK's usual chain). */
  readonly profile?: string;
  /** Who acts, as the role session's name (CloudTrail shows it): letters, digits and =,.@- only. */
  readonly actor?: string;
}

/** A role session name from who acts: what STS allows (2 to 64 of `\w+=,.@-`). */
export function sessionName(actor: string | undefined): string {
  const cleaned = (actor ?? 'harmonix-ops').replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : 'harmonix-ops';
}

/** Opens the environment's operations session; nothing is called until a client uses it. */
export function operationsSession(descriptor: EnvironmentDescriptor, o: OperationsOptions = {}): OperationsSession {
  if (!descriptor.operationsRoleArn) {
    throw new CliError(`environment ${descriptor.name} names no operations role in its descriptor: deploy it with a current harmonix-cdk and read its descriptor again.`, ExitCode.INPUT);
  }
  const aws = openSession({
    region: descriptor.region,
    profile: o.profile,
    roleArn: descriptor.operationsRoleArn,
    externalId: o.externalId,
    sessionName: sessionName(o.actor),
  });
  return { descriptor, aws };
}
