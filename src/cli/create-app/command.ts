import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { createApp } from './create-app';
import { InputNames, ProjectVariable } from './gitlab-project';
import { BLUEPRINT_FACTS, blueprintFacts } from '../../common/blueprint-facts';
import { isAppName, isShortName } from '../../common/validation';
import { parseDescriptor } from '../../contract/descriptor';
import { AwsOptions, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { FetchedDescriptor } from '../env/descriptors';
import { CliError, ExitCode } from '../errors';
import { DEFAULT_GITHUB_TOKEN_ENV } from '../github/client';
import { DEFAULT_TOKEN_ENV, GitlabOptions, withGitlabOptions } from '../gitlab/client';
import { isVariableKey, unmaskableReason } from '../gitlab/variables';

interface CreateAppOptions extends AwsOptions, Omit<GitlabOptions, 'tokenEnv'> {
  readonly tokenEnv?: string;
  readonly gitHost: string;
  readonly githubApiUrl: string;
  readonly reviewerTeam?: string;
  readonly blueprint: string;
  readonly name: string;
  readonly group: string;
  readonly environments?: string;
  readonly descriptors?: string;
  readonly dir?: string;
  readonly blueprintPackage?: string;
  readonly visibility: string;
  readonly approvals: string;
  readonly generateTimeout: string;
  readonly secret: string[];
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

const GROUP_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/;

/** `harmonix create-app`: from a blueprint to a GitLab project with its pipeline ready, in one command. */
export function registerCreateApp(program: Command, io: CliIo): void {
  withGitlabOptions(withAwsOptions(program.command('create-app')
    .description('Generate an app repository from a blueprint, with its environments\' descriptors, and create its GitLab project (or GitHub '
      + 'repository): first commit on main, main protected, CI/CD variables, protected environments for gated stages. Runs again safely: what exists is reused.')
    .addOption(new Option('--git-host <host>', 'where the repository lives').choices(['gitlab', 'github']).default('gitlab'))
    .option('--github-api-url <url>', 'GitHub\'s REST API (an Enterprise Server\'s is https://<host>/api/v3)', 'https://api.github.com')
    .option('--reviewer-team <slug>', 'GitHub: the organization\'s team that approves gated deployments (default: the token\'s user)')
    .requiredOption('--blueprint <pjid>', `the blueprint: ${Object.keys(BLUEPRINT_FACTS).join(', ')}`)
    .requiredOption('--name <app>', 'the app\'s name: its project\'s and its stacks\' name')
    .requiredOption('--group <path>', 'the GitLab group, nested ones as a/b/c; on GitHub, the organization or the token\'s user')
    .option('--environments <names>', 'the environments to deploy to, comma-separated, read from SSM (/harmonix/environments/<name>) in the account of the credentials')
    .option('--descriptors <dir>', 'a folder of descriptors fetched already (harmonix env fetch, one account at a time), instead of --environments')
    .option('--dir <dir>', 'the folder of the repo (default: ./<app>); a repo generated there before is used as it is')
    .option('--blueprint-package <spec>', 'the package projen takes the blueprint from (default: this harmonix-cdk)')
    .addOption(new Option('--visibility <visibility>', 'the project\'s visibility').choices(['private', 'internal', 'public']).default('private'))
    .option('--approvals <n>', 'approvals a gated environment\'s deployment needs', '1')
    .option('--generate-timeout <minutes>', 'how long generating the repo (projen new, with its npm install) may take', '20')
    .option('--secret <KEY>', 'a secret CI/CD variable, masked and protected, its value taken from the environment variable KEY (repeat it)', collect, [])
    .option('--dry-run', 'read GitLab and AWS, and print what would be done; change nothing')
    .option('--json', 'print the steps as JSON, and no progress')), { tokenDefault: false })
    .addHelpText('after', `
The token is read from GITLAB_TOKEN (or the variable --token-env names): an access token with the
api scope, whose user may create projects in the group. On GitHub (--git-host github) it is read
from GITHUB_TOKEN: a token that may create repositories and administer them (repo and workflow
scopes). AWS credentials read the descriptors and
the app's image repository and build role (/harmonix/apps/<app>/..., GitlabRunner.registerApp).
No AWS keys go into CI/CD variables: the pipeline's jobs exchange GitLab ID tokens for roles.

Examples:
  harmonix create-app --blueprint harmonix-node-service --name orders --group platform/apps --environments dev,qa --region eu-west-1
  harmonix create-app --blueprint harmonix-serverless-api --name quotes --group acme/web --descriptors .harmonix/environments --dry-run
  SONAR_TOKEN=... harmonix create-app --blueprint harmonix-java-service --name ledger --group acme --environments dev --secret SONAR_TOKEN --gitlab-url https://gitlab.example.com
  harmonix create-app --git-host github --blueprint harmonix-python-service --name stock --group acme --environments dev,prod --reviewer-team platform
${EXIT_CODES_HELP}`)
    .action(async (options: CreateAppOptions) => {
      // Every local input first (the options, the descriptor folder, the repo's folder, the Git
      // host's address and token): a mistake there is named as it is, before any network call.
      checkOptions(options);
      const github = options.gitHost === 'github';
      const tokenEnv = options.tokenEnv ?? (github ? DEFAULT_GITHUB_TOKEN_ENV : DEFAULT_TOKEN_ENV);
      const result = await createApp({
        blueprint: options.blueprint,
        name: options.name,
        group: options.group,
        gitHost: options.gitHost,
        gitlabUrl: options.gitlabUrl,
        githubApiUrl: options.githubApiUrl,
        token: process.env[tokenEnv] ?? '',
        tokenSource: tokenEnv,
        reviewerTeam: options.reviewerTeam,
        environments: options.environments !== undefined ? splitList(options.environments) : undefined,
        descriptors: options.descriptors !== undefined ? readDescriptorFolder(options.descriptors) : undefined,
        dir: options.dir ?? options.name,
        blueprintPackage: options.blueprintPackage,
        visibility: options.visibility,
        approvals: Number(options.approvals),
        generateTimeoutMinutes: Number(options.generateTimeout),
        secrets: secretVariables(options.secret),
        aws: options,
        dryRun: options.dryRun,
        inputs: CLI_INPUTS,
        report: options.json ? undefined : io.err,
      });
      const summary = {
        project: result.project,
        webUrl: result.webUrl,
        cloneUrl: result.cloneUrl,
        dir: result.dir,
        dryRun: result.dryRun,
        steps: result.steps,
      };
      io.out(options.json ? JSON.stringify(summary, undefined, 2)
        : options.dryRun ? `nothing was changed (--dry-run): run it again without --dry-run to do the ${result.steps.filter(s => s.status === 'planned').length} planned steps`
          : `${result.project} is ready: ${result.webUrl}\nits pipeline runs on each push to main; work in a clone: git clone ${result.cloneUrl}`);
    });
}

/** How the command line names create-app's inputs. */
const CLI_INPUTS: InputNames = {
  blueprint: '--blueprint',
  environments: '--environments (read from SSM) or --descriptors (a folder of descriptors)',
  gitHost: '--git-host',
  gitlabUrl: '--gitlab-url',
  githubApiUrl: '--github-api-url',
  dir: ' with --dir',
  options: 'the blueprint option',
  otherGroup: 'name another with --group',
  otherName: 'pick another --name, or another --group',
  generateTimeout: '--generate-timeout',
  retry: 'run the same command again',
};

/** Checks what needs no network. */
function checkOptions(o: CreateAppOptions): void {
  const facts = blueprintFacts(o.blueprint);
  if (facts === undefined) {
    throw new CliError(`--blueprint "${o.blueprint}" is not a blueprint: use one of ${Object.keys(BLUEPRINT_FACTS).join(', ')}.`, ExitCode.USAGE);
  }
  if (!isAppName(o.name)) {
    throw new CliError(`--name "${o.name}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter.`, ExitCode.USAGE);
  }
  if (!GROUP_PATH.test(o.group) || o.group.length > 255) {
    throw new CliError(`--group "${o.group}" is not a GitLab group path: names of letters, digits, _ . and -, separated by / (such as platform/apps).`, ExitCode.USAGE);
  }
  if ((o.environments === undefined) === (o.descriptors === undefined)) {
    throw new CliError('give the environments with --environments (read from SSM) or --descriptors (a folder of descriptors), one of the two.', ExitCode.USAGE);
  }
  if (o.environments !== undefined) {
    const names = splitList(o.environments);
    const bad = names.find(n => !isShortName(n));
    if (names.length === 0 || bad !== undefined) {
      throw new CliError(`--environments "${o.environments}" is not a list of environment names (such as dev,qa).`, ExitCode.USAGE);
    }
  }
  const approvals = Number(o.approvals);
  if (!Number.isInteger(approvals) || approvals < 1 || approvals > 5) {
    throw new CliError(`--approvals "${o.approvals}" is not a number of approvals from 1 to 5.`, ExitCode.USAGE);
  }
  const minutes = Number(o.generateTimeout);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) {
    throw new CliError(`--generate-timeout "${o.generateTimeout}" is not a number of minutes from 1 to 120.`, ExitCode.USAGE);
  }
  secretVariables(o.secret);
}

/** The secret variables, each masked and protected; a value GitLab cannot mask is refused, never sent unmasked. */
function secretVariables(keys: string[]): ProjectVariable[] {
  return keys.map(key => {
    if (!isVariableKey(key)) {
      throw new CliError(`--secret "${key}" is not a CI/CD variable name: letters, digits and underscores.`, ExitCode.USAGE);
    }
    const value = process.env[key];
    if (value === undefined || value === '') {
      throw new CliError(`--secret ${key}: the environment variable ${key} is not set; set it to the secret's value.`, ExitCode.USAGE);
    }
    const reason = unmaskableReason(value);
    if (reason !== undefined) {
      throw new CliError(`--secret ${key}: GitLab cannot mask its value (${reason}), and create-app will not store a secret unmasked; `
        + 'use a value of 8 or more letters, digits and @ _ - : + (base64url-encode it, for example).', ExitCode.INPUT);
    }
    return { key, value, secret: true };
  });
}

/** Descriptors fetched already: every `*.json` in the folder, checked by the contract's reader. */
function readDescriptorFolder(dir: string): FetchedDescriptor[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CliError(`--descriptors ${dir} is not a folder: fetch descriptors into one with harmonix env fetch --dir ${dir}.`, ExitCode.INPUT);
  }
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort();
  if (files.length === 0) {
    throw new CliError(`--descriptors ${dir} holds no descriptor (<name>.json): fetch them with harmonix env fetch --dir ${dir}.`, ExitCode.INPUT);
  }
  return files.map(f => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    try {
      const descriptor = parseDescriptor(path.join(dir, f), text);
      if (`${descriptor.name}.json` !== f) {
        throw new Error(`${path.join(dir, f)} describes environment "${descriptor.name}": name the file ${descriptor.name}.json`);
      }
      return { name: descriptor.name, text, descriptor };
    } catch (e) {
      throw new CliError((e as Error).message, ExitCode.INPUT);
    }
  });
}

function splitList(text: string): string[] {
  return text.split(',').map(s => s.trim()).filter(Boolean);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
