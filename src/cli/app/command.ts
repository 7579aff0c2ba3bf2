import { Command } from 'commander';
import { isAppName } from '../../common/validation';
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
  const app = program.command('app').description('An app in one environment, through the environment\'s operations role: its status (more day-2 commands follow).');
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
