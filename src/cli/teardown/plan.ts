import { AssemblyStack, TemplateResource } from '../assembly';
import { CliError, ExitCode } from '../errors';
import { referencedId } from '../values';

/** One resource a teardown leaves behind or may stumble on. */
export interface TeardownItem {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** What `harmonix teardown --json` prints. Nothing is deleted. */
export interface TeardownPlan {
  /** The order to destroy the stacks in: each before the stacks it depends on. */
  readonly order: string[];
  /** Why a stack must go before another. */
  readonly orderReasons: string[];
  /** Resources kept in the account by their deletion policy (with their data). */
  readonly retained: TeardownItem[];
  /** Resources of which CloudFormation keeps a final snapshot. */
  readonly snapshots: TeardownItem[];
  /** Resources CloudFormation will try to delete but that may refuse. */
  readonly blockers: TeardownItem[];
}

const KEPT = ['Retain', 'RetainExceptOnCreate'];

function deletionProtected(r: TemplateResource): string | undefined {
  const p = r.Properties ?? {};
  const on = (v: unknown) => v === true || v === 'true';
  if (on(p.DeletionProtection) || on(p.DeletionProtectionEnabled)) {
    return 'deletion protection is on: turn it off and deploy before destroying';
  }
  if ((p.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'deletion_protection.enabled' && on(a.Value))) {
    return 'deletion protection is on: turn it off and deploy before destroying';
  }
  return undefined;
}

type PlanItems = Pick<TeardownPlan, 'retained' | 'snapshots' | 'blockers'>;

function stackItems(stack: AssemblyStack, prefix: string, plan: PlanItems, root: string): void {
  const resources = stack.template.Resources ?? {};
  const emptied = new Set(Object.values(resources)
    .filter(r => r.Type === 'Custom::S3AutoDeleteObjects')
    .map(r => referencedId(r.Properties?.BucketName))
    .filter((id): id is string => id !== undefined));
  for (const [id, r] of Object.entries(resources)) {
    const item = (reason: string): TeardownItem => ({ stack: root, logicalId: `${prefix}${id}`, type: r.Type, reason });
    if (r.DeletionPolicy && KEPT.includes(r.DeletionPolicy)) {
      plan.retained.push(item(r.Type === 'AWS::ECS::TaskDefinition'
        ? `its revisions stay registered (no cost): deregister the family ${r.Properties?.Family ?? id} once its services are gone`
        : `kept by DeletionPolicy ${r.DeletionPolicy}, with its data`));
      continue;
    }
    if (r.DeletionPolicy === 'Snapshot') {
      plan.snapshots.push(item('deleted, and a final snapshot kept'));
    }
    const protection = deletionProtected(r);
    if (protection) {
      plan.blockers.push(item(protection));
    }
    if (r.Type === 'AWS::S3::Bucket' && !emptied.has(id)) {
      plan.blockers.push(item('the bucket must be empty (objects and versions), or its deletion fails'));
    }
    if (r.Type === 'AWS::ECR::Repository' && r.Properties?.EmptyOnDelete !== true) {
      plan.blockers.push(item('the repository must hold no images, or its deletion fails'));
    }
  }
  for (const nested of stack.nested) {
    stackItems(nested, `${prefix}${nested.name.split('/').pop()}/`, plan, root);
  }
}

/** Export names a template defines, where the template spells them out. */
function exportNames(stack: AssemblyStack): string[] {
  return Object.values(stack.template.Outputs ?? {})
    .map(o => o.Export?.Name)
    .filter((n): n is string => typeof n === 'string');
}

/** Every literal `Fn::ImportValue` name anywhere in a template. */
function importNames(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => importNames(v, found));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Fn::ImportValue' && typeof child === 'string') found.add(child);
      importNames(child, found);
    }
  }
  return found;
}

/** What `cdk destroy` of these stacks leaves behind, what may block it, and in which order. */
export function planTeardown(stacks: AssemblyStack[]): TeardownPlan {
  const plan = { retained: [] as TeardownItem[], snapshots: [] as TeardownItem[], blockers: [] as TeardownItem[] };
  stacks.forEach(s => stackItems(s, '', plan, s.name));

  // Stack A depends on B when the manifest says so or A imports B's exports: A goes first.
  const exporters = new Map<string, string>();
  stacks.forEach(s => exportNames(s).forEach(name => exporters.set(name, s.name)));
  const dependsOn = new Map<string, Set<string>>(stacks.map(s => [s.name, new Set(s.dependencies)]));
  const orderReasons: string[] = [];
  for (const s of stacks) {
    for (const name of importNames(s.template)) {
      const exporter = exporters.get(name);
      if (exporter && exporter !== s.name) {
        dependsOn.get(s.name)!.add(exporter);
        orderReasons.push(`${s.name} before ${exporter}: it imports ${name}`);
      }
    }
    for (const d of s.dependencies) {
      if (!orderReasons.some(r => r.startsWith(`${s.name} before ${d}:`))) {
        orderReasons.push(`${s.name} before ${d}: the app deploys it after ${d}`);
      }
    }
  }
  // Destroy dependents first: repeatedly take a stack that no remaining stack depends on.
  const remaining = new Set(stacks.map(s => s.name));
  const order: string[] = [];
  while (remaining.size > 0) {
    const next = [...remaining].find(candidate => ![...remaining].some(other => other !== candidate && dependsOn.get(other)?.has(candidate)));
    if (!next) {
      throw new CliError(`the stacks ${[...remaining].join(', ')} depend on each other in a cycle; the assembly cannot be destroyed as it stands.`, ExitCode.INPUT);
    }
    order.push(next);
    remaining.delete(next);
  }
  return { order, orderReasons, ...plan };
}

/** The plan as text. */
export function formatTeardownPlan(plan: TeardownPlan): string {
  const out = [`Destroy in this order (each stack before those it depends on): ${plan.order.join(', ')}`];
  plan.orderReasons.forEach(r => out.push(`  ${r}`));
  const section = (title: string, items: TeardownItem[], none: string) => {
    out.push('', `${title}:`);
    if (items.length === 0) out.push(`  ${none}`);
    items.forEach(i => out.push(`  ${i.stack}: ${i.logicalId} (${i.type}): ${i.reason}`));
  };
  section('Left behind in the account', plan.retained, 'nothing: every resource is deleted with its stack');
  section('Final snapshots kept', plan.snapshots, 'none');
  section('May block the destroy', plan.blockers, 'nothing found in the templates');
  out.push('', 'This is a plan: nothing was deleted.');
  return out.join('\n');
}
