import {
  ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand, ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { AppResources, findApp } from './app-resources';
import { AuditReceipt, recordAudit } from './audit-record';
import { OperationsSession } from './session';
import { serviceParts } from './status';
import { awsError } from '../common/aws-session';
import { CliError, ExitCode } from '../common/user-errors';

/** What a change did to one resource. */
export interface ResourceChange {
  /** `service orders-web`, `function quotes-api`. */
  readonly resource: string;
  readonly from: string;
  readonly to: string;
}

/** What `scale`, `start`, `stop` or `restart` did, with the audit records that say so. */
export interface ChangeResult {
  readonly app: string;
  readonly environment: string;
  readonly action: string;
  readonly changes: ResourceChange[];
  /** The record written before the change (STARTED) and after it (SUCCEEDED). */
  readonly audit: AuditReceipt[];
}

/** How a change is asked for. */
export interface ChangeOptions {
  /** Stop (or scale to 0) in an environment whose deployments wait for approval (a production stage). */
  readonly force?: boolean;
}

/** The most tasks `scale` sets on a service the app's code gives no bounds (no auto scaling). */
export const MAX_UNBOUNDED_TASKS = 20;

/**
 * Scales the app's ECS services to `count` tasks, within the bounds its code gives them (the
 * auto scaling minimum and maximum of `EcsApplication`'s `minCount`/`maxCount`).
 */
export async function scaleApp(s: OperationsSession, app: string, count: number, o: ChangeOptions = {}): Promise<ChangeResult> {
  if (!Number.isInteger(count) || count < 0) {
    throw new CliError(`${count} is not a number of tasks: a whole number, 0 or more.`, ExitCode.USAGE);
  }
  const r = await findApp(s, app);
  if (r.services.length === 0) {
    throw new CliError(`app ${app} runs no ECS service in environment ${s.descriptor.name}: only container apps scale; stop and start its functions instead.`, ExitCode.INPUT);
  }
  if (count === 0) guardStop(s, app, 'scale to 0', o);
  const targets = await scalableTargets(s, r);
  for (const arn of r.services) {
    const target = targets.get(arn);
    const [min, max] = target ? [target.MinCapacity ?? 0, target.MaxCapacity ?? 0] : [1, MAX_UNBOUNDED_TASKS];
    if (count !== 0 && (count < min || count > max)) {
      throw new CliError(`${count} tasks is outside the bounds of app ${app}'s service ${serviceParts(arn).name}: ${min} to ${max}`
        + `${target ? ' (its auto scaling, minCount and maxCount in the app\'s code)' : ''}; change the bounds in the app's code and deploy it, or pick a count within them.`, ExitCode.INPUT);
    }
  }
  return change(s, r, 'scale', { count: String(count) }, async () => {
    const changes: ResourceChange[] = [];
    for (const arn of r.services) {
      changes.push(await setDesiredCount(s, arn, count));
    }
    return changes;
  });
}

/** Stops the app: its ECS services to 0 tasks (auto scaling suspended, so it stays so), its functions to reserved concurrency 0. */
export async function stopApp(s: OperationsSession, app: string, o: ChangeOptions = {}): Promise<ChangeResult> {
  guardStop(s, app, 'stop', o);
  const r = await findApp(s, app);
  runnable(s, r);
  const targets = await scalableTargets(s, r);
  return change(s, r, 'stop', {}, async () => {
    const changes: ResourceChange[] = [];
    for (const arn of r.services) {
      const target = targets.get(arn);
      if (target) await suspendScaling(s, target, true);
      changes.push(await setDesiredCount(s, arn, 0));
    }
    for (const arn of r.functions) changes.push(await setConcurrency(s, arn, 0));
    return changes;
  });
}

/** Starts the app again: its ECS services to their minimum (auto scaling resumed), its functions' reserved concurrency removed. */
export async function startApp(s: OperationsSession, app: string): Promise<ChangeResult> {
  const r = await findApp(s, app);
  runnable(s, r);
  const targets = await scalableTargets(s, r);
  return change(s, r, 'start', {}, async () => {
    const changes: ResourceChange[] = [];
    for (const arn of r.services) {
      const target = targets.get(arn);
      if (target) await suspendScaling(s, target, false);
      changes.push(await setDesiredCount(s, arn, Math.max(1, target?.MinCapacity ?? 1)));
    }
    for (const arn of r.functions) changes.push(await setConcurrency(s, arn, undefined));
    return changes;
  });
}

/** Restarts the app's ECS services: a new deployment of the same task definition, task by task. */
export async function restartApp(s: OperationsSession, app: string): Promise<ChangeResult> {
  const r = await findApp(s, app);
  if (r.services.length === 0) {
    throw new CliError(`app ${app} runs no ECS service in environment ${s.descriptor.name}: a function has nothing to restart (each invocation may start a new instance).`, ExitCode.INPUT);
  }
  return change(s, r, 'restart', {}, async () => {
    const ecs = new ECSClient({ region: s.aws.region, credentials: s.aws.credentials });
    const changes: ResourceChange[] = [];
    for (const arn of r.services) {
      const { cluster, name } = serviceParts(arn);
      try {
        await ecs.send(new UpdateServiceCommand({ cluster, service: arn, forceNewDeployment: true }));
      } catch (e) {
        throw awsError(e, `restart the ECS service ${name}`);
      }
      changes.push({ resource: `service ${name}`, from: 'running', to: 'new deployment' });
    }
    return changes;
  });
}

/** A production stage (its deployments wait for approval) is not stopped without `force`. */
function guardStop(s: OperationsSession, app: string, what: string, o: ChangeOptions): void {
  if (s.descriptor.requireApproval && !o.force) {
    throw new CliError(`environment ${s.descriptor.name} is a gated stage (its deployments wait for approval), so ${what} of app ${app} needs --force: `
      + 'its users would lose the app.', ExitCode.INPUT);
  }
}

function runnable(s: OperationsSession, r: AppResources): void {
  if (r.services.length === 0 && r.functions.length === 0) {
    throw new CliError(`app ${r.app} has no ECS service and no Lambda function in environment ${s.descriptor.name}: nothing to start or stop.`, ExitCode.INPUT);
  }
}

/**
 * Runs a change between two audit records: STARTED before anything is changed (an audit writer
 * that refuses stops it there), then SUCCEEDED or FAILED with what was done.
 */
async function change(s: OperationsSession, r: AppResources, action: string, details: Record<string, string>,
  apply: () => Promise<ResourceChange[]>): Promise<ChangeResult> {
  const credentials = s.aws.credentials;
  const started = await recordAudit(s.descriptor, { app: r.app, action, result: 'STARTED', details }, credentials);
  let changes: ResourceChange[];
  try {
    changes = await apply();
  } catch (e) {
    const message = (e as Error).message;
    await recordAudit(s.descriptor, { app: r.app, action, result: 'FAILED', details: { ...details, error: message.slice(0, 500) } }, credentials)
      .catch(() => undefined);
    throw e;
  }
  const done = await recordAudit(s.descriptor, {
    app: r.app,
    action,
    result: 'SUCCEEDED',
    details: { ...details, changes: changes.map(c => `${c.resource}: ${c.from} -> ${c.to}`).join('; ') },
  }, credentials);
  return { app: r.app, environment: s.descriptor.name, action, changes, audit: [started, done] };
}

/** The auto scaling targets of the app's services, by service ARN. */
async function scalableTargets(s: OperationsSession, r: AppResources): Promise<Map<string, ScalableTarget>> {
  const targets = new Map<string, ScalableTarget>();
  if (r.services.length === 0) return targets;
  const ids = new Map(r.services.map(arn => {
    const { cluster, name } = serviceParts(arn);
    return [`service/${cluster}/${name}`, arn];
  }));
  try {
    const scaling = new ApplicationAutoScalingClient({ region: s.aws.region, credentials: s.aws.credentials });
    const found = await scaling.send(new DescribeScalableTargetsCommand({
      ServiceNamespace: 'ecs', ResourceIds: [...ids.keys()], ScalableDimension: 'ecs:service:DesiredCount',
    }));
    for (const target of found.ScalableTargets ?? []) {
      const arn = ids.get(target.ResourceId!);
      if (arn) targets.set(arn, target);
    }
  } catch (e) {
    throw awsError(e, `read the auto scaling of app ${r.app}'s services`);
  }
  return targets;
}

/** Suspends (or resumes) a service's auto scaling, keeping its bounds: a stopped service stays at 0. */
async function suspendScaling(s: OperationsSession, target: ScalableTarget, suspended: boolean): Promise<void> {
  try {
    await new ApplicationAutoScalingClient({ region: s.aws.region, credentials: s.aws.credentials }).send(new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ResourceId: target.ResourceId,
      ScalableDimension: target.ScalableDimension,
      SuspendedState: { DynamicScalingInSuspended: suspended, DynamicScalingOutSuspended: suspended, ScheduledScalingSuspended: suspended },
    }));
  } catch (e) {
    throw awsError(e, `${suspended ? 'suspend' : 'resume'} the auto scaling of ${target.ResourceId}`);
  }
}

async function setDesiredCount(s: OperationsSession, arn: string, count: number): Promise<ResourceChange> {
  const { cluster, name } = serviceParts(arn);
  const ecs = new ECSClient({ region: s.aws.region, credentials: s.aws.credentials });
  try {
    const before = (await ecs.send(new DescribeServicesCommand({ cluster, services: [arn] }))).services?.[0]?.desiredCount ?? 0;
    await ecs.send(new UpdateServiceCommand({ cluster, service: arn, desiredCount: count }));
    return { resource: `service ${name}`, from: `${before} tasks`, to: `${count} tasks` };
  } catch (e) {
    throw awsError(e, `set the desired count of the ECS service ${name}`);
  }
}

/** Reserved concurrency 0 stops a function; undefined gives it back the account's unreserved pool. */
async function setConcurrency(s: OperationsSession, arn: string, reserved: number | undefined): Promise<ResourceChange> {
  const name = arn.split(':').pop()!;
  const lambda = new LambdaClient({ region: s.aws.region, credentials: s.aws.credentials });
  const show = (n: number | undefined) => (n === undefined ? 'unreserved' : n === 0 ? 'stopped (reserved 0)' : `reserved ${n}`);
  try {
    const before = (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: arn }))).ReservedConcurrentExecutions;
    if (reserved === undefined) {
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: arn }));
    } else {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: arn, ReservedConcurrentExecutions: reserved }));
    }
    return { resource: `function ${name}`, from: show(before), to: show(reserved) };
  } catch (e) {
    throw awsError(e, `set the reserved concurrency of the Lambda function ${name}`);
  }
}
