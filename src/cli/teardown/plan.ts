import { DESCRIPTOR_PARAMETER_PREFIX } from '../../common/naming';
import { ENVIRONMENT_TAG } from '../../common/tags';
import { AssemblyStack, Template, TemplateResource } from '../assembly';
import { CliError, ExitCode } from '../errors';
import { referencedId, resolve } from '../values';

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

/** Every stack of a tree: the stack and its nested stacks, whose references count as the root's. */
function templatesOf(stack: AssemblyStack): Template[] {
  return [stack.template, ...stack.nested.flatMap(templatesOf)];
}

/** Export names a template defines, where the template spells them out. */
function exportNames(stack: AssemblyStack): string[] {
  return Object.values(stack.template.Outputs ?? {})
    .map(o => o.Export?.Name)
    .filter((n): n is string => typeof n === 'string');
}

/** Calls `visit` with every string in a template value, and every `Fn::ImportValue` name with `imported`. */
function walk(value: unknown, visit: (text: string) => void, imported: (name: string) => void): void {
  if (typeof value === 'string') {
    visit(value);
  } else if (Array.isArray(value)) {
    value.forEach(v => walk(v, visit, imported));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Fn::ImportValue' && typeof child === 'string') imported(child);
      walk(child, visit, imported);
    }
  }
}

/** Every literal `Fn::ImportValue` name anywhere in a template. */
function importNames(template: Template): Set<string> {
  const found = new Set<string>();
  walk(template, () => undefined, name => found.add(name));
  return found;
}

/** SSM parameter names compare without their leading slash: an ARN (`parameter/a/b`) drops it. */
const parameterKey = (name: string) => name.replace(/^\/+/, '');

/** The SSM parameters a template creates (AWS::SSM::Parameter with a name the template decides), by key. */
function writtenParameters(template: Template): Map<string, string> {
  const written = new Map<string, string>();
  for (const r of Object.values(template.Resources ?? {})) {
    if (r.Type !== 'AWS::SSM::Parameter') continue;
    const name = resolve(template, r.Properties?.Name);
    if (name.known && typeof name.value === 'string') written.set(parameterKey(name.value), name.value);
  }
  return written;
}

const DYNAMIC_REFERENCE = /\{\{resolve:ssm(?:-secure)?:([^:}]+)(?::\d+)?\}\}/g;
const PARAMETER_ARN_TAIL = /(?:^|:)parameter(\/[A-Za-z0-9_.\-/]+)$/;

/**
 * The SSM parameters a template reads, by key: parameters of an SSM type in its Parameters
 * (their default names the SSM parameter), dynamic references (`{{resolve:ssm:<name>}}`), and
 * parameter ARNs its policies grant (`...:parameter/<name>`, literal or the last part of a join).
 */
function readParameters(template: Template): Set<string> {
  const read = new Set<string>();
  for (const p of Object.values(template.Parameters ?? {})) {
    if (typeof p.Type === 'string' && p.Type.startsWith('AWS::SSM::Parameter::Value<') && typeof p.Default === 'string') {
      read.add(parameterKey(p.Default));
    }
  }
  walk(template.Resources, text => {
    for (const m of text.matchAll(DYNAMIC_REFERENCE)) read.add(parameterKey(m[1]));
    const arn = PARAMETER_ARN_TAIL.exec(text);
    if (arn) read.add(parameterKey(arn[1]));
  }, () => undefined);
  walk(template.Outputs, text => {
    for (const m of text.matchAll(DYNAMIC_REFERENCE)) read.add(parameterKey(m[1]));
  }, () => undefined);
  return read;
}

/** The environment a descriptor parameter name belongs to, if it is one. */
function descriptorEnvironment(name: string): string | undefined {
  return name.startsWith(DESCRIPTOR_PARAMETER_PREFIX) ? name.slice(DESCRIPTOR_PARAMETER_PREFIX.length) : undefined;
}

/**
 * Why each stack must be destroyed before others, by stack: it imports their exports, reads an
 * SSM parameter they write (an environment's descriptor above all), deploys into an environment
 * whose descriptor they write (an app stack carries its environment as a stack tag: apps import
 * environments from descriptors, so no reference in the template leads back to the environment's
 * stack), or the app deploys it after them.
 */
function dependencyReasons(stacks: AssemblyStack[]): Map<string, Map<string, string>> {
  const exporters = new Map<string, string>();
  const writers = new Map<string, { stack: string; name: string }>();
  const environmentWriters = new Map<string, { stack: string; name: string }>();
  for (const s of stacks) {
    exportNames(s).forEach(name => exporters.set(name, s.name));
    for (const template of templatesOf(s)) {
      for (const [key, name] of writtenParameters(template)) {
        writers.set(key, { stack: s.name, name });
        const environment = descriptorEnvironment(name);
        if (environment !== undefined) environmentWriters.set(environment, { stack: s.name, name });
      }
    }
  }
  const reasons = new Map<string, Map<string, string>>(stacks.map(s => [s.name, new Map()]));
  const add = (from: string, to: string, why: string) => {
    const mine = reasons.get(from)!;
    if (to !== from && !mine.has(to)) mine.set(to, why);
  };
  for (const s of stacks) {
    const templates = templatesOf(s);
    for (const name of new Set(templates.flatMap(t => [...importNames(t)]))) {
      const exporter = exporters.get(name);
      if (exporter) add(s.name, exporter, `it imports ${name}`);
    }
    for (const key of new Set(templates.flatMap(t => [...readParameters(t)]))) {
      const writer = writers.get(key);
      if (!writer) continue;
      const environment = descriptorEnvironment(writer.name);
      add(s.name, writer.stack, environment === undefined
        ? `it reads the SSM parameter ${writer.name}, which ${writer.stack} writes`
        : `it reads the descriptor of environment ${environment} (${writer.name}), which ${writer.stack} writes`);
    }
    const environment = s.tags[ENVIRONMENT_TAG];
    const writer = environment === undefined ? undefined : environmentWriters.get(environment);
    if (writer) {
      add(s.name, writer.stack, `it deploys into environment ${environment} (its stack tag ${ENVIRONMENT_TAG}), and ${writer.stack} writes that environment's descriptor ${writer.name}`);
    }
    for (const d of s.dependencies) {
      add(s.name, d, `the app deploys it after ${d}`);
    }
  }
  return reasons;
}

/** What `cdk destroy` of these stacks leaves behind, what may block it, and in which order. */
export function planTeardown(stacks: AssemblyStack[]): TeardownPlan {
  const plan = { retained: [] as TeardownItem[], snapshots: [] as TeardownItem[], blockers: [] as TeardownItem[] };
  stacks.forEach(s => stackItems(s, '', plan, s.name));

  // Stack A depends on B when it uses B (see dependencyReasons): A goes first.
  const dependsOn = dependencyReasons(stacks);
  const orderReasons = [...dependsOn].flatMap(([from, tos]) => [...tos].map(([to, why]) => `${from} before ${to}: ${why}`));
  // Destroy dependents first, in rounds: each round takes every stack that no remaining stack
  // depends on (in the assembly's order), so the apps go before the environments they use.
  const remaining = new Set(stacks.map(s => s.name));
  const order: string[] = [];
  while (remaining.size > 0) {
    const round = [...remaining].filter(candidate => ![...remaining].some(other => other !== candidate && dependsOn.get(other)?.has(candidate)));
    if (round.length === 0) {
      throw new CliError(`the stacks ${[...remaining].join(', ')} depend on each other in a cycle; the assembly cannot be destroyed as it stands.`, ExitCode.INPUT);
    }
    round.forEach(name => {
      order.push(name);
      remaining.delete(name);
    });
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
