import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { EnvironmentGrant } from './environment-base';
import { acceptFindings, hasWildcard, wildcardResourceFindingId } from '../../common/nag';
import { environmentRoleName } from '../../common/naming';
import { ENVIRONMENT_TAG } from '../../common/tags';

/** How one environment role is made. */
export interface EnvironmentRoleOptions {
  readonly environmentName: string;
  /** `provisioning` or `operations`: part of the role name. */
  readonly purpose: string;
  readonly description: string;
  /** The only principals the role trusts. */
  readonly trustedRoleArns: readonly string[];
  /** sts:ExternalId every caller must pass, if set. */
  readonly externalId?: string;
}

/** Creates a role that trusts exactly the given roles, optionally behind an external id. */
export function createEnvironmentRole(scope: Construct, id: string, options: EnvironmentRoleOptions): iam.Role {
  const principals = options.trustedRoleArns.map(arn => new iam.ArnPrincipal(arn));
  return new iam.Role(scope, id, {
    roleName: environmentRoleName(options.environmentName, options.purpose),
    description: options.description,
    assumedBy: new iam.CompositePrincipal(...principals),
    externalIds: options.externalId ? [options.externalId] : undefined,
    maxSessionDuration: Duration.hours(1),
  });
}

/**
 * Adds one statement to an environment role. This is the only way the environment roles get
 * permissions, so the rules hold in one place: no wildcard action, and every wildcard inside a
 * resource ARN carries the reason it stays scoped (recorded as a cdk-nag acceptance of that
 * exact finding on the role).
 */
export function grantScoped(role: iam.Role, grant: EnvironmentGrant, environmentName: string): void {
  const wildAction = grant.actions.find(a => a.includes('*'));
  if (wildAction) {
    throw new Error(`${role.node.path}: statement ${grant.sid} names the wildcard action ${wildAction}; environment roles use exact actions.`);
  }
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: grant.sid,
    actions: grant.actions,
    resources: grant.resources,
    conditions: grant.onlyTaggedResources ? { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: environmentName } } : undefined,
  }));
  for (const resource of grant.resources.filter(r => hasWildcard(role, r))) {
    if (!grant.wildcardReason) {
      throw new Error(`${role.node.path}: statement ${grant.sid} has the wildcard resource ${resource} without a reason.`);
    }
    acceptFindings(role, { id: wildcardResourceFindingId(role, resource), reason: grant.wildcardReason });
  }
}
