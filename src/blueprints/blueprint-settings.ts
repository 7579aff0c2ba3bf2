import { createHash } from 'crypto';
import { Project } from 'projen';
import { CiCredentials, GitHost, HarmonixAppOptions } from './blueprint-options';
import { DeployTarget, readDeployTargets } from './environments';
import { EnvironmentKind } from '../contract/environment';

/** A blueprint's options with their defaults, checked, and the environments it deploys to. */
export interface BlueprintSettings {
  readonly appName: string;
  readonly owner: string;
  readonly system?: string;
  readonly region: string;
  readonly gitHost: GitHost;
  readonly credentials: CiCredentials;
  readonly containerPort: number;
  readonly runnerTags: string[];
  readonly repositoryUrl: string;
  readonly projectSlug: string;
  /** Priority of the app's rule on a shared load balancer, stable for the app name. */
  readonly listenerPriority: number;
  readonly targets: DeployTarget[];
}

const APP_NAME = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** Checks a blueprint's options; one sentence names the first that is wrong and the fix. */
export function readBlueprintSettings(
  project: Project, options: HarmonixAppOptions & { readonly name: string }, kinds: EnvironmentKind[],
): BlueprintSettings {
  const where = `harmonix blueprint ${options.name}`;
  const appName = options.appName ?? options.name;
  if (!APP_NAME.test(appName) || appName.includes('--')) {
    throw new Error(`${where}: app name "${appName}" is not a DNS label; use 1 to 40 lower-case letters, digits and single hyphens, starting with a letter (for example "orders").`);
  }
  const containerPort = options.containerPort ?? 8080;
  if (!Number.isInteger(containerPort) || containerPort < 1024 || containerPort > 65535) {
    throw new Error(`${where}: container port ${containerPort} must be a whole number from 1024 to 65535 (the container runs as an unprivileged user).`);
  }
  const gitHost = options.gitHost ?? GitHost.GITLAB;
  const gitlabUrl = (options.gitlabUrl ?? 'https://gitlab.com').replace(/\/+$/, '');
  if (!/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w.-]+)*$/i.test(gitlabUrl)) {
    throw new Error(`${where}: GitLab URL "${gitlabUrl}" is not an HTTPS URL such as "https://gitlab.com".`);
  }
  const projectSlug = options.gitlabProjectPath ?? `harmonix/${appName}`;
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(projectSlug)) {
    throw new Error(`${where}: project path "${projectSlug}" must be "group/project", with nested groups as "group/subgroup/project".`);
  }
  const hash = parseInt(createHash('sha256').update(appName).digest('hex').slice(0, 8), 16);
  return {
    appName,
    owner: options.owner ?? 'group:default/developers',
    system: options.system,
    region: options.region ?? 'eu-west-1',
    gitHost,
    credentials: options.ciCredentials ?? CiCredentials.OIDC,
    containerPort,
    runnerTags: options.runnerTags ?? [],
    repositoryUrl: gitHost === GitHost.GITHUB ? `https://github.com/${projectSlug}` : `${gitlabUrl}/${projectSlug}`,
    projectSlug,
    listenerPriority: 1000 + (hash % 49000),
    targets: readDeployTargets(where, project.outdir, kinds, options.environments),
  };
}
