import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { descriptorParameterName, DESCRIPTORS_DIR } from '../../common/naming';
import { EnvironmentDescriptor } from '../../contract/descriptor';
import { AwsOptions, AwsSession, CallerIdentity, openSession, parameterValue, whoAmI, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { readDescriptorFile } from '../descriptor-file';
import { CliError, ExitCode } from '../errors';

interface DoctorOptions extends AwsOptions {
  readonly dir: string;
  readonly json?: boolean;
}

/** What the doctor found for one local descriptor. */
export interface EnvironmentCheck {
  readonly name: string;
  readonly file: string;
  /** `current`, `stale` (SSM holds another descriptor), `missing` (SSM holds none), or `skipped` (another account). */
  readonly descriptor: string;
  /** The fields whose values differ from SSM's, for a stale descriptor. */
  readonly changedFields?: string[];
  /** The bootstrap stack's version under the environment's qualifier; absent when not bootstrapped or skipped. */
  readonly bootstrapVersion?: number;
  /** What to do, when something is. */
  readonly fix?: string;
  /** Why it was not checked. */
  readonly note?: string;
}

/** `harmonix doctor`: who the caller is, and whether each environment's descriptor and bootstrap are current. */
export function registerDoctor(program: Command, io: CliIo): void {
  withAwsOptions(program.command('doctor')
    .description('Check the AWS side of an app\'s repository: who the credentials are (STS), whether each descriptor in .harmonix/environments is the one SSM holds, and whether the environment\'s account is bootstrapped with its qualifier.')
    .option('--dir <dir>', 'where the descriptors are', DESCRIPTORS_DIR)
    .option('--json', 'print the findings as JSON'))
    .addHelpText('after', `
Environments of another account than the credentials' are listed as skipped: check them with
--role-arn (their operations or provisioning role). Ends with exit code 6 when something needs
a fix.

Examples:
  harmonix doctor --region eu-west-1
  harmonix doctor --role-arn arn:aws:iam::333333333333:role/harmonix-qa-operations --external-id <id> --json
${EXIT_CODES_HELP}`)
    .action(async (options: DoctorOptions) => {
      const files = fs.existsSync(options.dir) ? fs.readdirSync(options.dir).filter(f => f.endsWith('.json')).sort() : [];
      if (files.length === 0) {
        throw new CliError(`no descriptor in ${options.dir}: fetch them with \`harmonix env fetch <names...>\`.`, ExitCode.INPUT);
      }
      const descriptors = files.map(f => ({ file: path.join(options.dir, f), descriptor: readDescriptorFile(path.join(options.dir, f)) }));
      const session = openSession(options);
      const caller = await whoAmI(session);
      const checks: EnvironmentCheck[] = [];
      for (const { file, descriptor } of descriptors) {
        checks.push(await checkEnvironment(session, caller, file, descriptor));
      }
      const problems = checks.filter(c => c.fix !== undefined);
      if (options.json) {
        io.out(JSON.stringify({ caller, region: session.region, environments: checks }, undefined, 2));
      } else {
        io.out(`caller: ${caller.arn} (account ${caller.account})`);
        for (const c of checks) {
          const bootstrap = c.bootstrapVersion === undefined ? '' : `, bootstrapped (version ${c.bootstrapVersion})`;
          const changed = c.changedFields ? ` (${c.changedFields.join(', ')} differ)` : '';
          const what = c.fix ?? c.note;
          io.out(`${c.name}: descriptor ${c.descriptor}${changed}${bootstrap}${what ? `: ${what}` : ''}`);
        }
        io.out(problems.length === 0 ? 'nothing to fix' : `${problems.length} environment(s) to fix`);
      }
      if (problems.length > 0) {
        throw new CliError(`${problems.map(p => p.name).join(', ')} need${problems.length === 1 ? 's' : ''} a fix (see above).`, ExitCode.CHECKS);
      }
    });
}

async function checkEnvironment(session: AwsSession, caller: CallerIdentity, file: string, d: EnvironmentDescriptor): Promise<EnvironmentCheck> {
  if (d.account !== caller.account) {
    return { name: d.name, file, descriptor: 'skipped', note: `it lives in account ${d.account}, the credentials in ${caller.account}: check it with --role-arn of a role of that account` };
  }
  const stored = await parameterValue(session, descriptorParameterName(d.name), d.region);
  const version = await parameterValue(session, `/cdk-bootstrap/${d.cdkBootstrapQualifier}/version`, d.region);
  const bootstrapVersion = version === undefined ? undefined : Number(version);
  const bootstrapFix = version === undefined
    ? `account ${d.account} is not bootstrapped in ${d.region} with the qualifier ${d.cdkBootstrapQualifier}: run \`harmonix bootstrap-command --descriptor ${file}\` and the command it prints`
    : undefined;
  if (stored === undefined) {
    return { name: d.name, file, descriptor: 'missing', bootstrapVersion, fix: `SSM holds no ${descriptorParameterName(d.name)} in ${d.region}: deploy the environment, or remove ${file}` };
  }
  const local = JSON.parse(fs.readFileSync(file, 'utf8'));
  const remote = JSON.parse(stored);
  const changedFields = [...new Set([...Object.keys(local), ...Object.keys(remote)])]
    .filter(k => JSON.stringify(local[k]) !== JSON.stringify(remote[k])).sort();
  if (changedFields.length > 0) {
    return { name: d.name, file, descriptor: 'stale', changedFields, bootstrapVersion, fix: `run \`harmonix env fetch ${d.name} --region ${d.region}\`${bootstrapFix ? `; ${bootstrapFix}` : ''}` };
  }
  return { name: d.name, file, descriptor: 'current', bootstrapVersion, fix: bootstrapFix };
}
