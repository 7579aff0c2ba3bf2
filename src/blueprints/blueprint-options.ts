/** Where the generated repository lives, and so which CI file it gets. */
export enum GitHost {
  /** gitlab.com or a self-managed GitLab: `.gitlab-ci.yml`. */
  GITLAB = 'gitlab',
  /** GitHub: `.github/workflows/*.yml`. */
  GITHUB = 'github',
}

/** How CI jobs get AWS credentials to assume each environment's provisioning role. */
export enum CiCredentials {
  /**
   * OpenID Connect: GitLab `id_tokens` / GitHub's OIDC token, exchanged with
   * `AssumeRoleWithWebIdentity` for the provisioning role (the environment trusts the project).
   */
  OIDC = 'oidc',
  /** The runner's instance role (a `GitlabRunner`), which assumes the provisioning role. */
  INSTANCE_ROLE = 'instance-role',
}

/** What every Harmonix blueprint asks about the application. Every option has a default. */
export interface HarmonixAppOptions {
  /**
   * Name of the app: a DNS label (it names the service, the image repository, the catalog entity).
   * @default - the project's name
   */
  readonly appName?: string;
  /**
   * Owner of the app in the Backstage catalog (an entity reference).
   * @default "group:default/developers"
   */
  readonly owner?: string;
  /**
   * System the app belongs to in the Backstage catalog.
   * @default - none
   */
  readonly system?: string;
  /**
   * The environments to deploy to, a subset of the descriptors in `.harmonix/environments/`.
   * @default - every environment whose descriptor is there, in stage order
   */
  readonly environments?: string[];
  /**
   * Region of the image repository and the pipeline's AWS calls.
   * @default "eu-west-1"
   */
  readonly region?: string;
  /**
   * Where the repository lives.
   * @default GitHost.GITLAB
   */
  readonly gitHost?: GitHost;
  /**
   * URL of the GitLab instance (gitlab.com or self-managed).
   * @default "https://gitlab.com"
   */
  readonly gitlabUrl?: string;
  /**
   * Path of the GitLab project (nested groups allowed), as the environments' OIDC trust names it.
   * @default "harmonix/<appName>"
   */
  readonly gitlabProjectPath?: string;
  /**
   * The GitHub repository (`owner/name`), as the environments' OIDC trust names it.
   * @default "harmonix/<appName>"
   */
  readonly githubRepository?: string;
  /**
   * How CI gets AWS credentials.
   * @default CiCredentials.OIDC
   */
  readonly ciCredentials?: CiCredentials;
  /**
   * Audience of the jobs' OIDC tokens, as the environments' CI trust (`gitlabCiTrust.audience`,
   * `githubCiTrust.audience`) expects it.
   * @default - the GitLab URL on GitLab (as the environments' GitLab trust), "sts.amazonaws.com" on GitHub
   */
  readonly oidcAudience?: string;
  /**
   * Port the app's container listens on.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Kubernetes namespace the app runs in on EKS environments: one of each EKS environment's
   * application namespaces (container blueprints only).
   * @default - the app name
   */
  readonly eksNamespace?: string;
  /**
   * Tags of the runners that run the jobs: GitLab runner tags, or labels of self-hosted GitHub runners.
   * @default - none (any GitLab runner; GitHub-hosted `ubuntu-latest`)
   */
  readonly runnerTags?: string[];
  /**
   * URI of the app's ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`), usually in
   * the platform account: the build job pushes the image there once and every environment pulls it.
   * @default - the CI variable `HARMONIX_IMAGE_REPOSITORY` (set on the project)
   */
  readonly imageRepositoryUri?: string;
  /**
   * Role the build job assumes with its OIDC token to push the image (with `CiCredentials.OIDC`).
   * @default - the CI variable `HARMONIX_BUILD_ROLE_ARN` (set on the project)
   */
  readonly buildRoleArn?: string;
}
