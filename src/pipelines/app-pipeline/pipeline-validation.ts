import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ConnectionSourceOptions, S3SourceOptions } from './app-pipeline-props';
import { propError } from '../../common/errors';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';

/** CodePipeline V2's limits of a trigger's file path filter (GitFilePathFilterCriteria). */
const MAX_FILE_PATHS = 8;
const MAX_FILE_PATH_LENGTH = 255;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection\/[0-9a-f-]{36}$/;
/** A branch name Git accepts, as far as a trigger needs (no spaces, no `..`, no leading `-`). */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)[\w./-]{1,255}(?<![./])$/;
/** `owner/repo` or `group/subgroup/project`: path segments of a Git host. */
const REPOSITORY = /^[\w.-]+(\/[\w.-]+)+$/;

/** Checks a connection source; returns its owner (all but the last segment) and repository name. */
export function checkConnectionSource(scope: IConstruct, o: ConnectionSourceOptions): { owner: string; repo: string; branch: string } {
  const prop = 'source';
  if (!Token.isUnresolved(o.connectionArn) && !CONNECTION_ARN.test(o.connectionArn)) {
    throw propError(scope, prop,
      `connectionArn "${o.connectionArn}" is not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>, or the older codestar-connections form).`);
  }
  if (!REPOSITORY.test(o.repository)) {
    throw propError(scope, prop,
      `repository "${o.repository}" is not a repository path: give the full path on the Git host, "owner/repo" on GitHub or "group/subgroup/project" on GitLab.`);
  }
  const branch = o.branch ?? 'main';
  if (!BRANCH.test(branch)) {
    throw propError(scope, prop, `branch "${branch}" is not a branch name: letters, digits, "_", ".", "/" and "-", without spaces or "..".`);
  }
  for (const [name, paths] of [['includePaths', o.includePaths], ['excludePaths', o.excludePaths]] as const) {
    if (paths === undefined) continue;
    if (paths.length === 0) {
      throw propError(scope, prop, `${name} is empty; leave it out, or give at least one glob pattern.`);
    }
    if (paths.length > MAX_FILE_PATHS) {
      throw propError(scope, prop, `${name} has ${paths.length} patterns; a CodePipeline trigger takes at most ${MAX_FILE_PATHS}: combine them with globs such as "src/**".`);
    }
    const long = paths.find(p => p.length > MAX_FILE_PATH_LENGTH || p.length === 0);
    if (long !== undefined) {
      throw propError(scope, prop, `${name} has the pattern "${long.slice(0, 40)}${long.length > 40 ? '...' : ''}" of ${long.length} characters; each must have 1 to ${MAX_FILE_PATH_LENGTH}.`);
    }
    const twice = paths.find((p, i) => paths.indexOf(p) !== i);
    if (twice !== undefined) {
      throw propError(scope, prop, `${name} has the pattern "${twice}" twice; give each once.`);
    }
  }
  const cut = o.repository.lastIndexOf('/');
  return { owner: o.repository.slice(0, cut), repo: o.repository.slice(cut + 1), branch };
}

/** Checks an S3 source's object key. */
export function checkS3Source(scope: IConstruct, o: S3SourceOptions): void {
  if (!Token.isUnresolved(o.objectKey) && (o.objectKey.length === 0 || o.objectKey.length > 1024 || o.objectKey.startsWith('/'))) {
    throw propError(scope, 'source', `objectKey "${o.objectKey}" is not an S3 object key: 1 to 1024 characters, not starting with "/" (for example "orders/source.zip").`);
  }
}

/**
 * The environments in delivery order (stage, then name), after refusing an empty list, a name
 * given twice, and a kind the build cannot deploy to.
 */
export function orderEnvironments(
  scope: IConstruct, environments: IHarmonixEnvironment[], kinds: EnvironmentKind[], what: string,
): IHarmonixEnvironment[] {
  if (environments.length === 0) {
    throw propError(scope, 'environments', 'is empty: give at least one environment to deploy to (imported with HarmonixEnvironment.fromDescriptorJson).');
  }
  const names = environments.map(e => e.environmentName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) {
    throw propError(scope, 'environments', `has the environment "${twice}" twice; deploy to each environment once (their names must differ: infra/ reads .harmonix/environments/<name>.json).`);
  }
  for (const e of environments) {
    if (!kinds.includes(e.kind)) {
      throw propError(scope, 'environments',
        `"${e.environmentName}" is a ${e.kind} environment, and ${what} deploys to ${kinds.join(' or ')} environments only; leave it out, or build what it runs.`);
    }
  }
  return [...environments].sort((a, b) => a.descriptor.stage - b.descriptor.stage || a.environmentName.localeCompare(b.environmentName));
}

/** Checks the smoke check's path: empty (no check) or an absolute path of a URL. */
export function checkSmokePath(scope: IConstruct, path: string): string {
  if (path !== '' && !/^\/[\w\-./~%?=&]*$/.test(path)) {
    throw propError(scope, 'smokeCheckPath', `"${path}" is not a URL path: start with "/" and use letters, digits and -._~%/?=& (for example "/health"), or give "" for no smoke check.`);
  }
  return path;
}
