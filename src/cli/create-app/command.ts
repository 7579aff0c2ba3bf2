import * as fs from 'fs';
import * as path from 'path';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { Command, Option } from 'commander';
import { applyRepoPlan, readRepoState, readReviewer } from './github-repo';
import { applyProjectPlan, projectPath, ProjectPlan, ProjectVariable, readProjectState } from './gitlab-project';
import { generateRepo, isGeneratedRepo, ownPackage, RepoFile, repoFiles } from './repository';
import { StepLog } from './steps';
import { BLUEPRINT_FACTS, BlueprintFacts, blueprintFacts } from '../../common/blueprint-facts';
import { appParameterName, DESCRIPTORS_DIR } from '../../common/naming';
import { isAppName, isShortName } from '../../common/validation';
import { parseDescriptor } from '../../contract/descriptor';
import { AwsOptions, AwsSession, awsError, openSession, parameterValue, whoAmI, withAwsOptions } from '../aws-session';
import { CliIo, EXIT_CODES_HELP } from '../command';
import { FetchedDescriptor, readDescriptors, writeDescriptors } from '../env/descriptors';
import { CliError, ExitCode } from '../errors';
import { DEFAULT_GITHUB_TOKEN_ENV, GithubConnection, openGithub } from '../github/client';
import { DEFAULT_TOKEN_ENV, GitlabConnection, GitlabOptions, openGitlab, withGitlabOptions } from '../gitlab/client';
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

/** The CI variables the blueprints' pipelines read when no option names the value. */
const IMAGE_REPOSITORY_VARIABLE = 'HARMONIX_IMAGE_REPOSITORY';
const BUILD_ROLE_VARIABLE = 'HARMONIX_BUILD_ROLE_ARN';
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
      const facts = checkOptions(options);
      const log = new StepLog(options.json ? undefined : io.err);
      const github = options.gitHost === 'github';
      const tokenEnv = options.tokenEnv ?? (github ? DEFAULT_GITHUB_TOKEN_ENV : DEFAULT_TOKEN_ENV);
      const plan: ProjectPlan = {
        groupPath: options.group,
        name: options.name,
        visibility: options.visibility,
        variables: [],
        gated: [],
        description: `${options.name}: a harmonix-cdk app (${options.blueprint}), made by harmonix create-app`,
      };
      const local = options.descriptors !== undefined ? readDescriptorFolder(options.descriptors) : undefined;
      if (local) checkKinds(local, facts, options.blueprint);
      const dir = path.resolve(options.dir ?? options.name);
      checkRepoFolder(dir);
      const session = openSession(options);
      const githubConnection = github ? openGithub(options.githubApiUrl, tokenEnv) : undefined;
      const gitlabConnection = github ? undefined : openGitlab({ gitlabUrl: options.gitlabUrl, tokenEnv });

      // Then the network: the Git host, AWS.
      const host = githubConnection ? await githubHost(githubConnection, plan, options.reviewerTeam) : await gitlabHost(gitlabConnection!, plan);
      const caller = await whoAmI(session);
      const descriptors = local ?? await readDescriptors(session, caller, splitList(options.environments!));
      if (!local) checkKinds(descriptors, facts, options.blueprint);
      const variables = plan.variables;
      if (facts.image) {
        for (const [key, what] of [[IMAGE_REPOSITORY_VARIABLE, 'image-repository'], [BUILD_ROLE_VARIABLE, 'build-role-arn']]) {
          const parameter = appParameterName(options.name, what);
          const value = await parameterValue(session, parameter);
          if (value === undefined) {
            throw new CliError(`${options.name} is not registered with the platform: ${parameter} is missing in account ${caller.account}, ${session.region}; `
              + `register it (GitlabRunner.registerApp({ appName: '${options.name}' })), deploy the platform, and run create-app again.`, ExitCode.INPUT);
          }
          variables.push({ key, value, secret: false });
        }
        await checkImageRepository(session, caller.account, variables[0].value, appParameterName(options.name, 'image-repository'));
      }
      variables.push(...secretVariables(options.secret));
      plan.gated.push(...descriptors.filter(d => d.descriptor.requireApproval)
        .map(d => ({ name: d.name, approvals: Number(options.approvals) })));

      const generate = () => prepareRepo(dir, options, host.generateFlags, descriptors, log);
      try {
        if (options.dryRun) {
          log.add(`repo ${dir}`, 'planned', isGeneratedRepo(dir) ? 'use the repo generated there' : `generate ${options.blueprint} there with its descriptors`);
        } else {
          await generate();
        }
        const project = await host.apply(() => repoFiles(dir), log, Boolean(options.dryRun));
        const summary = {
          project: projectPath(plan),
          webUrl: project?.webUrl,
          cloneUrl: project?.cloneUrl,
          dir,
          dryRun: Boolean(options.dryRun),
          steps: log.steps,
        };
        io.out(options.json ? JSON.stringify(summary, undefined, 2)
          : options.dryRun ? `nothing was changed (--dry-run): run it again without --dry-run to do the ${log.steps.filter(s => s.status === 'planned').length} planned steps`
            : `${projectPath(plan)} is ready: ${project!.webUrl}\nits pipeline runs on each push to main; work in a clone: git clone ${project!.cloneUrl}`);
      } catch (e) {
        const error = e instanceof CliError ? e : new CliError((e as Error).message, ExitCode.INTERNAL);
        throw new CliError(`${error.message.replace(/\.$/, '')} (${log.changed()}; run the same command again to continue).`, error.exitCode);
      }
    });
}

/** Checks what needs no network; returns the blueprint's facts. */
function checkOptions(o: CreateAppOptions): BlueprintFacts {
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
  return facts;
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

/** Refuses an environment of a kind the blueprint cannot deploy to. */
function checkKinds(descriptors: FetchedDescriptor[], facts: BlueprintFacts, blueprint: string): void {
  for (const d of descriptors) {
    if (!facts.kinds.includes(d.descriptor.kind)) {
      throw new CliError(`environment "${d.name}" is a ${d.descriptor.kind} environment, and ${blueprint} deploys to ${facts.kinds.join(' or ')} environments only: `
        + 'leave it out, or pick the blueprint for it.', ExitCode.INPUT);
    }
  }
}

/** The repo's folder must be new, empty (but for fetched descriptors) or a repo generated before. */
function checkRepoFolder(dir: string): void {
  if (!fs.existsSync(dir) || isGeneratedRepo(dir)) {
    return;
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new CliError(`${dir} is a file: give create-app an empty or new folder with --dir.`, ExitCode.INPUT);
  }
  if (fs.readdirSync(dir).some(f => f !== '.harmonix')) {
    throw new CliError(`${dir} is not empty and holds no generated repo: give create-app an empty or new folder with --dir.`, ExitCode.INPUT);
  }
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

/** Generates the repo into `dir` (empty or new), its descriptors written first so that the blueprint reads them. */
async function prepareRepo(dir: string, o: CreateAppOptions, flags: GenerateFlags, descriptors: FetchedDescriptor[], log: StepLog): Promise<void> {
  if (isGeneratedRepo(dir)) {
    log.add(`repo ${dir}`, 'exists', 'generated before; used as it is');
    return;
  }
  checkRepoFolder(dir);
  writeDescriptors(descriptors, path.join(dir, DESCRIPTORS_DIR));
  const own = ownPackage();
  await generateRepo(dir, o.blueprint, o.blueprintPackage ?? `${own.name}@${own.version}`, ['--name', o.name, ...flags.flags],
    Number(o.generateTimeout) * 60_000);
  log.add(`repo ${dir}`, 'created', `${o.blueprint} generated with ${descriptors.length} environment descriptor(s)${flags.note}`);
}

function splitList(text: string): string[] {
  return text.split(',').map(s => s.trim()).filter(Boolean);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The blueprint's options for the Git host, as projen flags, and what to say about them. */
interface GenerateFlags {
  readonly flags: string[];
  readonly note: string;
}

/** A project or repository as the summary names it. */
interface HostedRepo {
  readonly webUrl: string;
  readonly cloneUrl: string;
}

/** What create-app does with one Git host, once its state is read. */
interface Host {
  readonly generateFlags: GenerateFlags;
  apply(files: () => RepoFile[], log: StepLog, dryRun: boolean): Promise<HostedRepo | undefined>;
}

async function gitlabHost(conn: GitlabConnection, plan: ProjectPlan): Promise<Host> {
  const state = await readProjectState(conn, plan);
  // The repo names its GitLab for the ID tokens' audience and its links, which must be HTTPS: a
  // GitLab on this machine over http leaves the blueprint's default, and the step says so.
  const https = conn.url.startsWith('https://');
  return {
    generateFlags: {
      flags: [...(https ? ['--gitlab-url', conn.url] : []), '--gitlab-project-path', projectPath(plan)],
      note: https ? '' : `; ${conn.url} is not https, so the repo keeps the blueprint's GitLab URL (https://gitlab.com)`,
    },
    apply: async (files, log, dryRun) => {
      const project = await applyProjectPlan(conn, plan, state, files, log, dryRun);
      return project && { webUrl: project.web_url, cloneUrl: project.http_url_to_repo };
    },
  };
}

async function githubHost(conn: GithubConnection, plan: ProjectPlan, reviewerTeam: string | undefined): Promise<Host> {
  const state = await readRepoState(conn, plan);
  const reviewer = await readReviewer(conn, plan, state, reviewerTeam);
  return {
    generateFlags: { flags: ['--git-host', 'GITHUB', '--github-repository', projectPath(plan)], note: '' },
    apply: async (files, log, dryRun) => {
      const repo = await applyRepoPlan(conn, plan, state, reviewer, files, log, dryRun);
      return repo && { webUrl: repo.html_url, cloneUrl: repo.clone_url };
    },
  };
}

/** The image repository the parameter names must exist: a stale parameter would fail the first build, far from its cause. */
async function checkImageRepository(session: AwsSession, account: string, uri: string, parameter: string): Promise<void> {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(uri);
  if (!match) {
    throw new CliError(`${parameter} holds "${uri}", which is not an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>): `
      + 'deploy the platform again.', ExitCode.INPUT);
  }
  const [, registry, region, name] = match;
  try {
    const ecr = new ECRClient({ region, credentials: session.credentials });
    await ecr.send(new DescribeRepositoriesCommand({ registryId: registry, repositoryNames: [name] }));
  } catch (e) {
    if ((e as Error).name === 'RepositoryNotFoundException') {
      throw new CliError(`${parameter} names the image repository ${name}, which does not exist in account ${registry}, ${region} (read as ${account}): `
        + 'deploy the platform that registers the app, or remove the stale parameter.', ExitCode.INPUT);
    }
    throw awsError(e, `describe the image repository ${name}`);
  }
}
