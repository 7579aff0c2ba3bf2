import { createHash } from 'crypto';
import { Project } from 'projen';
import { CiCredentials, GitHost, HarmonixAppOptions } from './blueprint-options';
import { DeployTarget, readDeployTargets } from './environments';
import {
  GITHUB_REPOSITORY, GITLAB_PROJECT_PATH, gitlabInstanceUrl, isAppName, isAwsRegion, isEntityRef, isRoleArn, KUBERNETES_NAME, RUNNER_TAG,
} from '../common/validation';
import { EnvironmentKind } from '../contract/environment';

/** A blueprint's options with their defaults, checked. */
export interface AppSettings {
  readonly appName: string;
  readonly description: string;
  readonly owner: string;
  readonly system?: string;
  readonly region: string;
  readonly gitHost: GitHost;
  readonly credentials: CiCredentials;
  /** Audience of the jobs' OIDC tokens. */
  readonly oidcAudience: string;
  readonly containerPort: number;
  readonly runnerTags: string[];
  /** The repository's web URL. */
  readonly repositoryUrl: string;
  /** `group/project` (GitLab, nested groups allowed) or `owner/name` (GitHub). */
  readonly projectSlug: string;
  /** The image repository's URI, if an option names it (else the pipeline reads a CI variable). */
  readonly imageRepositoryUri?: string;
  /** The build job's role, if an option names it (else the pipeline reads a CI variable). */
  readonly buildRoleArn?: string;
  /** Priority of the app's rule on a shared load balancer, stable for the app name. */
  readonly listenerPriority: number;
  /** The app's namespace on EKS environments. */
  readonly eksNamespace: string;
}

/** The app's settings and the environments it deploys to. */
export interface BlueprintSettings extends AppSettings {
  readonly targets: DeployTarget[];
}

/** Options as a blueprint receives them: projen's own name and description, and the app's options. */
export type BlueprintInput = HarmonixAppOptions & { readonly name: string; readonly description?: string };

/** Where an error about the options points. */
export function blueprintWhere(options: BlueprintInput): string {
  return `harmonix blueprint "${options.name}"`;
}

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)$/;

/** Checks a blueprint's options; one sentence names the first that is wrong and the fix. */
export function readAppSettings(options: BlueprintInput): AppSettings {
  const where = blueprintWhere(options);
  const appName = options.appName ?? options.name;
  if (!isAppName(appName)) {
    throw new Error(`${where}: app name "${appName}" is not a DNS label; use 1 to 40 lower-case letters, digits and single hyphens, starting with a letter (for example "orders").`);
  }
  const containerPort = options.containerPort ?? 8080;
  if (!Number.isInteger(containerPort) || containerPort < 1024 || containerPort > 65535) {
    throw new Error(`${where}: container port ${containerPort} must be a whole number from 1024 to 65535 (the container runs as an unprivileged user).`);
  }
  const region = options.region ?? 'eu-west-1';
  if (!isAwsRegion(region)) {
    throw new Error(`${where}: region "${region}" is not an AWS region name such as "eu-west-1".`);
  }
  const owner = options.owner ?? 'group:default/developers';
  if (!isEntityRef(owner)) {
    throw new Error(`${where}: owner "${owner}" is not a Backstage entity reference such as "group:default/developers".`);
  }
  const gitHost = options.gitHost ?? GitHost.GITLAB;
  const gitlabUrl = gitlabInstanceUrl(options.gitlabUrl ?? 'https://gitlab.com');
  if (gitlabUrl === undefined) {
    throw new Error(`${where}: GitLab URL "${options.gitlabUrl}" is not an HTTPS URL such as "https://gitlab.com" or "https://gitlab.example.com/gitlab".`);
  }
  const projectSlug = gitHost === GitHost.GITHUB
    ? options.githubRepository ?? `harmonix/${appName}`
    : options.gitlabProjectPath ?? `harmonix/${appName}`;
  if (gitHost === GitHost.GITHUB && !GITHUB_REPOSITORY.test(projectSlug)) {
    throw new Error(`${where}: GitHub repository "${projectSlug}" must be "owner/name".`);
  }
  if (gitHost === GitHost.GITLAB && !GITLAB_PROJECT_PATH.test(projectSlug)) {
    throw new Error(`${where}: GitLab project path "${projectSlug}" must be "group/project", with nested groups as "group/subgroup/project".`);
  }
  const runnerTags = options.runnerTags ?? [];
  const badTag = runnerTags.find(t => !RUNNER_TAG.test(t));
  if (badTag !== undefined) {
    throw new Error(`${where}: runner tag "${badTag}" must be 1 to 100 letters, digits, ".", "_", ":", "/" or "-".`);
  }
  if (options.imageRepositoryUri !== undefined && !ECR_URI.test(options.imageRepositoryUri)) {
    throw new Error(`${where}: image repository "${options.imageRepositoryUri}" is not an ECR repository URI such as "111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders".`);
  }
  if (options.buildRoleArn !== undefined && !isRoleArn(options.buildRoleArn)) {
    throw new Error(`${where}: build role "${options.buildRoleArn}" is not an IAM role ARN such as "arn:aws:iam::111111111111:role/orders-build".`);
  }
  if (options.oidcAudience !== undefined && !/^\S{1,255}$/.test(options.oidcAudience)) {
    throw new Error(`${where}: OIDC audience "${options.oidcAudience}" must be 1 to 255 characters without spaces.`);
  }
  const eksNamespace = options.eksNamespace ?? appName;
  if (!KUBERNETES_NAME.test(eksNamespace)) {
    throw new Error(`${where}: EKS namespace "${eksNamespace}" is not a Kubernetes namespace name; use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.`);
  }
  const hash = parseInt(createHash('sha256').update(appName).digest('hex').slice(0, 8), 16);
  return {
    appName,
    description: options.description ?? `${appName}, delivered by Harmonix`,
    owner,
    system: options.system,
    region,
    gitHost,
    credentials: options.ciCredentials ?? CiCredentials.OIDC,
    oidcAudience: options.oidcAudience ?? (gitHost === GitHost.GITHUB ? 'sts.amazonaws.com' : gitlabUrl),
    containerPort,
    runnerTags,
    repositoryUrl: gitHost === GitHost.GITHUB ? `https://github.com/${projectSlug}` : `${gitlabUrl}/${projectSlug}`,
    projectSlug,
    imageRepositoryUri: options.imageRepositoryUri,
    buildRoleArn: options.buildRoleArn,
    listenerPriority: 1000 + (hash % 49000),
    eksNamespace,
  };
}

/** The app's settings and the environments it deploys to, read from the project's descriptor files. */
export function readBlueprintSettings(project: Project, options: BlueprintInput, kinds: EnvironmentKind[]): BlueprintSettings {
  const where = blueprintWhere(options);
  const settings = readAppSettings(options);
  const targets = readDeployTargets(where, project.outdir, kinds, options.environments);
  // On EKS the app runs in an application namespace the environment already has (with its Pod Identity role).
  for (const target of targets.filter(t => t.kind === EnvironmentKind.EKS)) {
    const namespaces = (target.eks?.namespaces ?? []).map(n => n.name);
    if (!namespaces.includes(settings.eksNamespace)) {
      throw new Error(`${where}: EKS environment "${target.name}" has no application namespace "${settings.eksNamespace}" (it has ${namespaces.join(', ') || 'none'}); set \`eksNamespace\` to one of them, or add the namespace to the environment and fetch its descriptor again.`);
    }
  }
  return { ...settings, targets };
}

/** The region of an ECR repository URI. */
export function regionOfRepository(uri: string): string {
  return ECR_URI.exec(uri)![2];
}
