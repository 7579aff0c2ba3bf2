import * as fs from 'fs';
import * as path from 'path';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { applyRepoPlan, readRepoState, readReviewer } from './github-repo';
import { applyProjectPlan, InputNames, projectPath, ProjectPlan, ProjectVariable, readProjectState } from './gitlab-project';
import { generateRepo, isGeneratedRepo, ownPackage, RepoFile, repoFiles } from './repository';
import { StepLog, StepResult } from './steps';
import { BLUEPRINT_FACTS, BlueprintFacts, blueprintFacts } from '../../common/blueprint-facts';
import { appParameterName, DESCRIPTORS_DIR } from '../../common/naming';
import { AwsOptions, AwsSession, awsError, openSession, parameterValue, whoAmI } from '../aws-session';
import { FetchedDescriptor, readDescriptors, writeDescriptors } from '../env/descriptors';
import { CliError, ExitCode } from '../errors';
import { connectGithub, GithubConnection } from '../github/client';
import { connectGitlab, GitlabConnection } from '../gitlab/client';

/**
 * `harmonix create-app` as a function: what the command line runs, and what the Backstage
 * scaffolder module (`harmonix:create-app`) runs. The caller gives every input as a value (the Git
 * host's token too, never read from the environment here) and says how its inputs are named, so
 * the sentences of a refusal speak its language (`--name` on the command line, `name` in a form).
 */
export interface CreateAppRequest {
  /** The blueprint's project type id, such as `harmonix-node-service`. */
  readonly blueprint: string;
  /** The app's name: its repository's and its stacks' name. */
  readonly name: string;
  /** The GitLab group (nested as a/b/c), or the GitHub organization or user. */
  readonly group: string;
  /** `gitlab` or `github`. */
  readonly gitHost: string;
  /** The GitLab's address (gitlab.com or a self-managed one); GitLab only. */
  readonly gitlabUrl?: string;
  /** GitHub's REST API (`https://<host>/api/v3` on an Enterprise Server); GitHub only. */
  readonly githubApiUrl?: string;
  /** The Git host's token: GitLab's with the api scope, or GitHub's that may create and administer repositories. */
  readonly token: string;
  /** Where the token came from, for the sentence that refuses a missing one (such as `GITLAB_TOKEN`). */
  readonly tokenSource: string;
  /** GitHub: the organization's team that approves gated deployments (default: the token's user). */
  readonly reviewerTeam?: string;
  /** Environments to read from SSM (`/harmonix/environments/<name>`) with the AWS credentials; or `descriptors`. */
  readonly environments?: string[];
  /** Descriptors read already (a folder, or Backstage's environment entities); or `environments`. */
  readonly descriptors?: FetchedDescriptor[];
  /** The repo's folder: new, empty, or one create-app generated before. */
  readonly dir: string;
  /** The package projen takes the blueprint from (default: this library, at its version). */
  readonly blueprintPackage?: string;
  /** The blueprint's own options (camelCase names, as the blueprint declares them), passed to `projen new` as its flags. */
  readonly blueprintOptions?: Record<string, string | number | boolean | string[]>;
  /** `private`, `internal` or `public`. */
  readonly visibility: string;
  /** Approvals a gated environment's deployment needs (1 to 5). */
  readonly approvals: number;
  /** How long generating the repo (projen new with its npm install) may take. */
  readonly generateTimeoutMinutes: number;
  /** Secret CI/CD variables, masked and protected. */
  readonly secrets?: ProjectVariable[];
  /** How AWS is reached: region, profile, a role to assume. */
  readonly aws: AwsOptions;
  /** Read the Git host and AWS, and say what would be done; change nothing. */
  readonly dryRun?: boolean;
  /** Check every input that needs no network (a Backstage dry run), then stop: nothing is called or changed. */
  readonly checkOnly?: boolean;
  /** How the caller names its inputs in sentences. */
  readonly inputs: InputNames;
  /** Each step's line as it ends (progress); nothing when absent. */
  readonly report?: (line: string) => void;
  /** The environment `projen new` runs with (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/** What create-app made (or, dry, would make). */
export interface CreateAppResult {
  /** The repository's full path: `group/name`. */
  readonly project: string;
  /** The repository's page; undefined on a dry run that would create it. */
  readonly webUrl?: string;
  /** Its clone URL (HTTPS). */
  readonly cloneUrl?: string;
  /** Its pipelines' page: GitLab's `/-/pipelines`, GitHub's `/actions`. */
  readonly pipelineUrl?: string;
  /** The branch the first commit went to and the pipeline deploys from. */
  readonly defaultBranch: string;
  /** The repo's folder. */
  readonly dir: string;
  readonly dryRun: boolean;
  readonly steps: StepResult[];
}

/** The CI variables the blueprints' pipelines read when no option names the value. */
const IMAGE_REPOSITORY_VARIABLE = 'HARMONIX_IMAGE_REPOSITORY';
const BUILD_ROLE_VARIABLE = 'HARMONIX_BUILD_ROLE_ARN';

/**
 * Generates the app's repo from its blueprint with its environments' descriptors, and creates its
 * GitLab project or GitHub repository: first commit on main, main protected, CI/CD variables,
 * protected environments for gated stages. Idempotent: what exists is reused, so the same request
 * again continues after a failure. Local inputs are checked before any network call.
 */
export async function createApp(r: CreateAppRequest): Promise<CreateAppResult> {
  const facts = blueprintFacts(r.blueprint);
  if (facts === undefined) {
    throw new CliError(`${r.inputs.blueprint} "${r.blueprint}" is not a blueprint: use one of ${Object.keys(BLUEPRINT_FACTS).join(', ')}.`, ExitCode.USAGE);
  }
  if ((r.environments === undefined) === (r.descriptors === undefined)) {
    throw new CliError(`give the environments as ${r.inputs.environments}, one way only.`, ExitCode.USAGE);
  }
  const log = new StepLog(r.report);
  const github = r.gitHost === 'github';
  if (!github && r.gitHost !== 'gitlab') {
    throw new CliError(`${r.inputs.gitHost} "${r.gitHost}" is not a Git host create-app knows: gitlab or github.`, ExitCode.USAGE);
  }
  const plan: ProjectPlan = {
    groupPath: r.group,
    name: r.name,
    visibility: r.visibility,
    variables: [],
    gated: [],
    description: `${r.name}: a harmonix-cdk app (${r.blueprint}), made by harmonix create-app`,
    inputs: r.inputs,
  };
  if (r.descriptors) checkKinds(r.descriptors, facts, r.blueprint);
  const dir = path.resolve(r.dir);
  checkRepoFolder(dir, r.inputs);
  const flags = blueprintFlags(r.blueprintOptions ?? {}, r.inputs);
  const session = openSession(r.aws);
  const githubConnection = github ? connectGithub(r.githubApiUrl ?? 'https://api.github.com', r.token, r.tokenSource, r.inputs.githubApiUrl) : undefined;
  const gitlabConnection = github ? undefined : connectGitlab(r.gitlabUrl ?? 'https://gitlab.com', r.token, r.tokenSource, r.inputs.gitlabUrl);
  if (r.checkOnly) {
    log.add(`repository ${projectPath(plan)}`, 'planned', `on ${githubConnection?.url ?? gitlabConnection!.url}: generate ${r.blueprint} into ${dir} and push it`);
    return { project: projectPath(plan), defaultBranch: 'main', dir, dryRun: true, steps: log.steps };
  }

  // Then the network: the Git host, AWS.
  const host = githubConnection ? await githubHost(githubConnection, plan, r.reviewerTeam) : await gitlabHost(gitlabConnection!, plan);
  const caller = await whoAmI(session);
  const descriptors = r.descriptors ?? await readDescriptors(session, caller, r.environments!);
  if (!r.descriptors) checkKinds(descriptors, facts, r.blueprint);
  if (facts.image) {
    for (const [key, what] of [[IMAGE_REPOSITORY_VARIABLE, 'image-repository'], [BUILD_ROLE_VARIABLE, 'build-role-arn']]) {
      const parameter = appParameterName(r.name, what);
      const value = await parameterValue(session, parameter);
      if (value === undefined) {
        throw new CliError(`${r.name} is not registered with the platform: ${parameter} is missing in account ${caller.account}, ${session.region}; `
          + `register it (GitlabRunner.registerApp({ appName: '${r.name}' })), deploy the platform, and ${r.inputs.retry}.`, ExitCode.INPUT);
      }
      plan.variables.push({ key, value, secret: false });
    }
    await checkImageRepository(session, caller.account, plan.variables[0].value, appParameterName(r.name, 'image-repository'));
  }
  plan.variables.push(...(r.secrets ?? []));
  plan.gated.push(...descriptors.filter(d => d.descriptor.requireApproval).map(d => ({ name: d.name, approvals: r.approvals })));

  try {
    if (r.dryRun) {
      log.add(`repo ${dir}`, 'planned', isGeneratedRepo(dir) ? 'use the repo generated there' : `generate ${r.blueprint} there with its descriptors`);
    } else {
      await prepareRepo(dir, r, [...host.generateFlags.flags, ...flags], host.generateFlags.note, descriptors, log);
    }
    const repo = await host.apply(() => repoFiles(dir), log, Boolean(r.dryRun));
    return {
      project: projectPath(plan),
      webUrl: repo?.webUrl,
      cloneUrl: repo?.cloneUrl,
      pipelineUrl: repo?.pipelineUrl,
      defaultBranch: 'main',
      dir,
      dryRun: Boolean(r.dryRun),
      steps: log.steps,
    };
  } catch (e) {
    const error = e instanceof CliError ? e : new CliError((e as Error).message, ExitCode.INTERNAL);
    throw new CliError(`${error.message.replace(/\.$/, '')} (${log.changed()}; ${r.inputs.retry} to continue).`, error.exitCode);
  }
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
export function checkRepoFolder(dir: string, inputs: InputNames): void {
  if (!fs.existsSync(dir) || isGeneratedRepo(dir)) {
    return;
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new CliError(`${dir} is a file: give create-app an empty or new folder${inputs.dir}.`, ExitCode.INPUT);
  }
  if (fs.readdirSync(dir).some(f => f !== '.harmonix')) {
    throw new CliError(`${dir} is not empty and holds no generated repo: give create-app an empty or new folder${inputs.dir}.`, ExitCode.INPUT);
  }
}

/** Option names the request may not set: create-app sets them from its other inputs. */
const DERIVED_OPTIONS = new Set(['name', 'appName', 'gitHost', 'gitlabUrl', 'gitlabProjectPath', 'githubRepository', 'imageRepositoryUri', 'buildRoleArn', 'outdir']);

/** The blueprint's own options as `projen new` flags (`eksNamespace` -> `--eks-namespace`); a list repeats its flag. */
function blueprintFlags(options: Record<string, string | number | boolean | string[]>, inputs: InputNames): string[] {
  return Object.entries(options).flatMap(([name, value]) => {
    if (!/^[a-z][A-Za-z0-9]*$/.test(name) || DERIVED_OPTIONS.has(name)) {
      throw new CliError(`${inputs.options} "${name}" is not a blueprint option create-app passes on: it sets name, Git host and registered values itself.`, ExitCode.USAGE);
    }
    const flag = `--${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
    if (Array.isArray(value)) return value.flatMap(v => [flag, String(v)]);
    if (typeof value === 'boolean') return [value ? flag : `--no-${flag.slice(2)}`];
    return [flag, String(value)];
  });
}

/** Generates the repo into `dir` (empty or new), its descriptors written first so that the blueprint reads them. */
async function prepareRepo(
  dir: string, r: CreateAppRequest, flags: string[], note: string, descriptors: FetchedDescriptor[], log: StepLog,
): Promise<void> {
  if (isGeneratedRepo(dir)) {
    log.add(`repo ${dir}`, 'exists', 'generated before; used as it is');
    return;
  }
  writeDescriptors(descriptors, path.join(dir, DESCRIPTORS_DIR));
  const own = ownPackage();
  await generateRepo(dir, r.blueprint, r.blueprintPackage ?? `${own.name}@${own.version}`, ['--name', r.name, ...flags],
    r.generateTimeoutMinutes * 60_000, r.env, { retry: r.inputs.retry, timeout: r.inputs.generateTimeout });
  log.add(`repo ${dir}`, 'created', `${r.blueprint} generated with ${descriptors.length} environment descriptor(s)${note}`);
}

/** The blueprint's options for the Git host, as projen flags, and what to say about them. */
interface GenerateFlags {
  readonly flags: string[];
  readonly note: string;
}

/** A repository as the result names it. */
interface HostedRepo {
  readonly webUrl: string;
  readonly cloneUrl: string;
  readonly pipelineUrl: string;
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
      return project && { webUrl: project.web_url, cloneUrl: project.http_url_to_repo, pipelineUrl: `${project.web_url}/-/pipelines` };
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
      return repo && { webUrl: repo.html_url, cloneUrl: repo.clone_url, pipelineUrl: `${repo.html_url}/actions` };
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
