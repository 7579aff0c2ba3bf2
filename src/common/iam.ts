import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acceptFindings, hasWildcard, wildcardResourceFindingId } from './nag';

/** Refuses a wildcard in an action: every policy of this library names its actions exactly. */
export function checkExactActions(owner: IConstruct, sid: string, actions: readonly string[]): void {
  const wild = actions.find(a => a.includes('*'));
  if (wild) {
    throw new Error(`${owner.node.path}: statement ${sid} names the wildcard action ${wild}; name the actions exactly.`);
  }
}

/**
 * A resource ARN that holds `*` must say why it stays scoped: the reason is recorded as the
 * accepted cdk-nag finding of that exact resource on `owner`; without one it is refused.
 */
export function acceptWildcardResources(owner: IConstruct, sid: string, resources: readonly string[], reason: string | undefined): void {
  for (const resource of resources.filter(r => hasWildcard(owner, r))) {
    if (!reason) {
      throw new Error(`${owner.node.path}: statement ${sid} has the wildcard resource ${resource} without a reason.`);
    }
    acceptFindings(owner, { id: wildcardResourceFindingId(owner, resource), reason });
  }
}

/** One identity statement with exact actions, and why any `*` in its resources stays scoped. */
export interface ScopedStatement {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Why a `*` in a resource stays scoped; required when one is there. */
  readonly wildcardReason?: string;
}

/** Adds statements to a role's policy: exact actions only, each wildcard resource with its reason. */
export function addScopedStatements(owner: IConstruct, role: iam.IRole, ...statements: ScopedStatement[]): void {
  for (const s of statements) {
    checkExactActions(owner, s.sid, s.actions);
    acceptWildcardResources(role, s.sid, s.resources, s.wildcardReason);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: s.sid, actions: s.actions, resources: s.resources, conditions: s.conditions }));
  }
}
