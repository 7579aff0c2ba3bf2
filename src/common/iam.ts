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
