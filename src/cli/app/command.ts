import { Command } from 'commander';
import { isAppName } from '../../common/validation';
import { ChangeResult, restartApp, scaleApp, startApp, stopApp } from '../../ops/control';
import { operationsSession } from '../../ops/session';
import { AppStatus, appStatus } from '../../ops/status';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { readDescriptorFile } from '../descriptor-file';
import { CliError, ExitCode } from '../errors';

/** The options every `harmonix app` command takes: which app, in which environment, as whom. */
export interface AppOptions {
  readonly descriptor: string;
  readonly app: string;
  readonly externalId?: string;
  readonly profile?: string;
  readonly json?: boolean;
}

/** Adds the options that name the app and the environment, and how its operations role is assumed. */
export function withAppOptions(command: Command): Command {
  return command
    .requiredOption('--descriptor <file>', 'the environment\'s descriptor (harmonix env fetch writes them): its operations role, account and region')
    .requiredOption('--app <name>', 'the app')
    .option('--external-id <id>', 'the sts:ExternalId the environment\'s operations role requires (its externalId prop)')
    .option('--profile <name>', 'the AWS profile whose credentials assume the operations role (default: the SDK\'s usual chain)')
    .option('--json', 'print JSON');
}

/** Checks the app's name and the descriptor, and opens the environment's operations session; nothing is called yet. */
export function openApp(o: AppOptions) {
  if (!isAppName(o.app)) {
    throw new CliError(`--app "${o.app}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter.`, ExitCode.USAGE);
  }
  const descriptor = readDescriptorFile(o.descriptor);
  return operationsSession(descriptor, { externalId: o.externalId, profile: o.profile, actor: process.env.USER ? `harmonix-cli-${process.env.USER}` : undefined });
}

/** `harmonix app`: an app in one environment, through the environment's operations role. */
export function registerApp(program: Command, io: CliIo): void {
  const app = program.command('app').description('An app in one environment, through the environment\'s operations role: status, scale, stop, start, restart; every change between two audit records.');
  withAppOptions(app.command('scale')
    .description('Sets the number of tasks of the app\'s ECS services, within the bounds its code gives them (EcsApplication minCount and maxCount); an audit record before and after, as the caller.'))
    .requiredOption('--count <n>', 'the number of tasks')
    .option('--force', 'scale to 0 in a gated environment (one whose deployments wait for approval)')
    .addHelpText('after', `
Example:
  harmonix app scale --descriptor .harmonix/environments/dev.json --app orders --count 3
${EXIT_CODES_HELP}`)
    .action(async (o: AppOptions & { count: string; force?: boolean }) => {
      const count = Number(o.count);
      if (!Number.isInteger(count) || count < 0) {
        throw new CliError(`--count "${o.count}" is not a number of tasks: a whole number, 0 or more.`, ExitCode.USAGE);
      }
      report(io, o, await scaleApp(openApp(o), o.app, count, { force: o.force }));
    });
  withAppOptions(app.command('stop')
    .description('Stops the app: its ECS services to 0 tasks (their auto scaling suspended, so they stay stopped), its Lambda functions to reserved concurrency 0. In a gated environment only with --force.'))
    .option('--force', 'stop it in a gated environment (one whose deployments wait for approval)')
    .action(async (o: AppOptions & { force?: boolean }) => report(io, o, await stopApp(openApp(o), o.app, { force: o.force })));
  withAppOptions(app.command('start')
    .description('Starts the app again: its ECS services to their minimum (auto scaling resumed), its Lambda functions\' reserved concurrency removed.'))
    .action(async (o: AppOptions) => report(io, o, await startApp(openApp(o), o.app)));
  withAppOptions(app.command('restart')
    .description('Restarts the app\'s ECS services: a new deployment of the same task definition, replacing tasks as a deployment does.'))
    .action(async (o: AppOptions) => report(io, o, await restartApp(openApp(o), o.app)));
  withAppOptions(app.command('status')
    .description('Where the app stands in the environment: its URL, its ECS services (desired, running and pending tasks, deployments and their rollout, images with digests), its Lambda functions (state, reserved concurrency: 0 is stopped), its data stores and log groups, all found by the app\'s tags.'))
    .addHelpText('after', `
Example:
  harmonix app status --descriptor .harmonix/environments/dev.json --app orders
${EXIT_CODES_HELP}`)
    .action(async (o: AppOptions) => {
      const status = await appStatus(openApp(o), o.app);
      io.out(o.json ? JSON.stringify(status, undefined, 2) : formatStatus(status));
    });
}

/** The status as lines for a person. */
export function formatStatus(s: AppStatus): string {
  const lines = [`${s.app} in ${s.environment} (${s.kind}, stage ${s.stage})${s.url ? `: ${s.url}` : ''}`];
  for (const svc of s.services) {
    const primary = svc.deployments.find(d => d.status === 'PRIMARY');
    lines.push(`  service ${svc.name} (cluster ${svc.cluster}): ${svc.running} running, ${svc.pending} pending of ${svc.desired} desired`
      + `${primary?.rolloutState ? `; rollout ${primary.rolloutState}` : ''}${svc.deployments.length > 1 ? ` (${svc.deployments.length} deployments)` : ''}`);
    for (const image of svc.images) lines.push(`    ${image.container}: ${image.image ?? '?'}${image.digest ? ` @ ${image.digest}` : ''}`);
  }
  for (const fn of s.functions) {
    const concurrency = fn.reservedConcurrency === undefined ? 'unreserved concurrency' : `reserved concurrency ${fn.reservedConcurrency}`;
    lines.push(`  function ${fn.name}: ${fn.stopped ? 'STOPPED' : fn.state ?? 'unknown'}, ${concurrency}`);
  }
  for (const d of s.data) lines.push(`  ${d.type} ${d.name}`);
  for (const g of s.logGroups) lines.push(`  log group ${g}`);
  return lines.join('\n');
}

/** What a change did, and the audit record that says who did it. */
function report(io: CliIo, o: AppOptions, r: ChangeResult): void {
  if (o.json) {
    io.out(JSON.stringify(r, undefined, 2));
    return;
  }
  const done = r.audit[r.audit.length - 1];
  io.out([
    ...r.changes.map(c => `~ ${c.resource}: ${c.from} -> ${c.to}`),
    `${r.action} of ${r.app} in ${r.environment} done; recorded at ${done.timestamp.split('#')[0]} as ${done.actor}`,
  ].join('\n'));
}
