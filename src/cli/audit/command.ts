import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Command, Option } from 'commander';
import { isAppName } from '../../common/validation';
import { listAuditRecords, MAX_AUDIT_RECORDS } from '../../ops/audit-list';
import { AUDIT_RESULTS, recordAudit } from '../../ops/audit-record';
import { openApp, withAppOptions, AppOptions } from '../app/command';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { readDescriptorFile } from '../descriptor-file';
import { CliError, ExitCode } from '../errors';

interface RecordOptions {
  readonly descriptor: string;
  readonly app: string;
  readonly result: string;
  readonly action: string;
  readonly version?: string;
  readonly detail: string[];
  readonly json?: boolean;
}

/**
 * `harmonix audit record`: the deploying pipeline adds the deployment's audit record. The
 * pipeline, not the app's stack, records it: only the pipeline's identity says who deployed
 * (CloudFormation would sign as its execution role), and only the pipeline sees a deployment
 * that failed or was cancelled.
 */
export function registerAudit(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('The audit table of an environment.');
  audit.command('record')
    .description('Add an audit record for an app (who is taken from the AWS credentials that sign it: run it as the provisioning role).')
    .requiredOption('--descriptor <file>', 'the environment descriptor (the value of its SSM parameter)')
    .requiredOption('--app <name>', 'the app the record is about')
    .addOption(new Option('--result <result>', 'what happened').choices(AUDIT_RESULTS).makeOptionMandatory())
    .option('--action <action>', 'what was done', 'deploy')
    .option('--version <version>', 'the version deployed (for example the commit)')
    .option('--detail <key=value>', 'a detail to keep (repeatable), for example the pipeline URL', (v: string, all: string[]) => [...all, v], [])
    .option('--json', 'print the writer\'s answer as JSON')
    .addHelpText('after', `
Examples:
  harmonix audit record --descriptor .harmonix/environments/dev.json --app orders --result STARTED --version "$CI_COMMIT_SHA"
  harmonix audit record --descriptor .harmonix/environments/dev.json --app orders --result SUCCEEDED \\
    --version "$CI_COMMIT_SHA" --detail pipeline="$CI_PIPELINE_URL"
${EXIT_CODES_HELP}`)
    .action(async (options: RecordOptions) => {
      // Checked before anything is read or signed: the audit writer would refuse them afterwards.
      if (!isAppName(options.app)) {
        throw new CliError(`--app "${options.app}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter (as the app's stacks name it).`, ExitCode.USAGE);
      }
      if (!/^[a-z][a-z0-9-]{0,127}$/.test(options.action)) {
        throw new CliError(`--action "${options.action}" is not an action: 1 to 128 lower-case letters, digits and hyphens, starting with a letter (such as deploy or rollback).`, ExitCode.USAGE);
      }
      if (options.version !== undefined && !/^[\x21-\x7e]{1,128}$/.test(options.version)) {
        throw new CliError(`--version "${options.version}" is not a version: 1 to 128 printable characters without spaces (such as the commit).`, ExitCode.USAGE);
      }
      const descriptor = readDescriptorFile(options.descriptor);
      const details: Record<string, string> = {};
      for (const pair of options.detail) {
        const at = pair.indexOf('=');
        if (at < 1) throw new CliError(`--detail ${pair} is not key=value.`, ExitCode.USAGE);
        details[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const receipt = await recordAudit(descriptor, {
        app: options.app, action: options.action, result: options.result, version: options.version, details,
      }, defaultProvider());
      io.out(options.json ? JSON.stringify(receipt, undefined, 2)
        : `recorded ${options.action} ${options.result} of app/${options.app} in ${descriptor.name} at ${receipt.timestamp.split('#')[0]} as ${receipt.actor}`);
    });

  withAppOptions(audit.command('list')
    .description('The app\'s audit records in the environment, newest first: who did what, when, with what result (read through the environment\'s operations role).'))
    .option('--limit <n>', `how many records, 1 to ${MAX_AUDIT_RECORDS}`, '50')
    .addHelpText('after', `
Example:
  harmonix audit list --descriptor .harmonix/environments/prod.json --app orders --limit 20
${EXIT_CODES_HELP}`)
    .action(async (o: AppOptions & { limit: string }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_RECORDS) {
        throw new CliError(`--limit "${o.limit}" is not a number of records from 1 to ${MAX_AUDIT_RECORDS}.`, ExitCode.USAGE);
      }
      const records = await listAuditRecords(openApp(o), o.app, limit);
      io.out(o.json ? JSON.stringify(records, undefined, 2)
        : records.length === 0 ? `no audit records of app ${o.app} in this environment`
          : records.map(r => `${r.time}  ${r.action} ${r.result}${r.version ? ` ${r.version}` : ''}  by ${r.actor}`).join('\n'));
    });
}
