import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { propError } from './errors';
import { GITHUB_REPOSITORY, GITLAB_PROJECT_PATH } from './validation';

/**
 * GitLab CI jobs that may assume the provisioning role with their OIDC token (`id_tokens`):
 * named projects, on named branches or tags only.
 */
export interface GitlabCiTrust {
  /**
   * The GitLab instance.
   * @default "https://gitlab.com"
   */
  readonly gitlabUrl?: string;
  /**
   * ARN of the IAM OIDC provider of that GitLab in this account, when it exists already (an
   * account has one provider per URL).
   * @default - the environment creates it
   */
  readonly providerArn?: string;
  /**
   * Audience the jobs request for their token (`id_tokens: { AWS_TOKEN: { aud: ... } }`).
   * @default - the GitLab URL
   */
  readonly audience?: string;
  /** Full paths of the projects, nested groups included (`platform/shop/orders`). No wildcards. */
  readonly projectPaths: string[];
  /**
   * Branches whose pipelines may deploy (protect them in GitLab).
   * @default - none; at least one branch or tag is required
   */
  readonly branches?: string[];
  /**
   * Tags whose pipelines may deploy (protect them in GitLab).
   * @default - none
   */
  readonly tags?: string[];
}

/**
 * GitHub Actions workflows that may assume the provisioning role with their OIDC token: named
 * repositories, on named branches or deployment environments only.
 */
export interface GithubCiTrust {
  /**
   * ARN of the IAM OIDC provider of GitHub Actions in this account, when it exists already.
   * @default - the environment creates it
   */
  readonly providerArn?: string;
  /**
   * Audience of the token.
   * @default "sts.amazonaws.com" (what aws-actions/configure-aws-credentials requests)
   */
  readonly audience?: string;
  /** Repositories as `owner/name`. No wildcards. */
  readonly repositories: string[];
  /**
   * Branches whose workflows may deploy.
   * @default - none; at least one branch or environment is required
   */
  readonly branches?: string[];
  /**
   * GitHub deployment environments whose jobs may deploy (protect them with reviewers).
   * @default - none
   */
  readonly environments?: string[];
}

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_HOST = 'token.actions.githubusercontent.com';
const REF = /^[A-Za-z0-9_./-]+$/;

/** One IdP's trust as statement parts: the provider, the token's host, the audience and the exact subjects. */
export interface WebIdentityTrust {
  readonly providerArn: string;
  readonly host: string;
  readonly audience: string;
  readonly subjects: string[];
}

/** Checks a list of names used in an OIDC `sub`: present, exact, no wildcard. */
function exactNames(scope: IConstruct, prop: string, values: readonly string[] | undefined, pattern: RegExp, example: string): string[] {
  (values ?? []).forEach((value, i) => {
    if (value.includes('*') || value.includes('?')) {
      throw propError(scope, `${prop}[${i}]`, `"${value}" holds a wildcard; name each one exactly (a wildcard would let any matching pipeline deploy).`);
    }
    if (!pattern.test(value)) {
      throw propError(scope, `${prop}[${i}]`, `"${value}" is not valid; use a value such as "${example}".`);
    }
  });
  return [...values ?? []];
}

/** Host of a GitLab URL, as its tokens' `iss` and IAM's condition keys name it. */
function gitlabHost(scope: IConstruct, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw propError(scope, 'gitlabCiTrust.gitlabUrl', `"${url}" is not a URL such as "https://gitlab.example.com".`);
  }
  if (parsed.protocol !== 'https:' || parsed.pathname.replace(/\/$/, '') !== '' || parsed.search) {
    throw propError(scope, 'gitlabCiTrust.gitlabUrl', `"${url}" must be the HTTPS root URL of the GitLab instance (its OIDC issuer), such as "https://gitlab.example.com".`);
  }
  return parsed.host;
}

/** The OIDC provider: the given one, or one created for the issuer (once per account and issuer in the app). */
function provider(scope: Construct, id: string, issuer: string, audience: string, given: string | undefined): string {
  if (given !== undefined) {
    if (!Token.isUnresolved(given) && !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/.test(given)) {
      throw propError(scope, `${id}.providerArn`, `"${given}" is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>).`);
    }
    return given;
  }
  const stack = Stack.of(scope);
  const key = `${stack.account}|${issuer}`;
  const root = scope.node.root;
  const made = providersByApp.get(root) ?? new Map<string, string>();
  providersByApp.set(root, made);
  const other = made.get(key);
  if (other !== undefined && !Token.isUnresolved(stack.account)) {
    throw propError(scope, `${id}.providerArn`, `${other} creates the OIDC provider of ${issuer} in account ${stack.account} already; an account has one per issuer: pass its ARN here.`);
  }
  made.set(key, scope.node.path);
  return new iam.OidcProviderNative(scope, `${id}Provider`, { url: issuer, clientIds: [audience] }).oidcProviderArn;
}
const providersByApp = new WeakMap<IConstruct, Map<string, string>>();

/** The web identity trusts of the props, checked. */
export function ciTrusts(scope: Construct, gitlab: GitlabCiTrust | undefined, github: GithubCiTrust | undefined): WebIdentityTrust[] {
  const trusts: WebIdentityTrust[] = [];
  if (gitlab) {
    const url = (gitlab.gitlabUrl ?? 'https://gitlab.com').replace(/\/$/, '');
    const host = gitlabHost(scope, url);
    const projects = exactNames(scope, 'gitlabCiTrust.projectPaths', gitlab.projectPaths, GITLAB_PROJECT_PATH, 'platform/shop/orders');
    const branches = exactNames(scope, 'gitlabCiTrust.branches', gitlab.branches, REF, 'main');
    const tags = exactNames(scope, 'gitlabCiTrust.tags', gitlab.tags, REF, 'v1.2.0');
    if (projects.length === 0) {
      throw propError(scope, 'gitlabCiTrust.projectPaths', 'must name at least one project.');
    }
    if (branches.length + tags.length === 0) {
      throw propError(scope, 'gitlabCiTrust.branches', 'or `tags` must name the refs that may deploy: without a ref condition every pipeline of the projects, merge requests included, could deploy.');
    }
    const audience = gitlab.audience ?? url;
    trusts.push({
      providerArn: provider(scope, 'GitlabCi', url, audience, gitlab.providerArn),
      host,
      audience,
      subjects: projects.flatMap(p => [
        ...branches.map(b => `project_path:${p}:ref_type:branch:ref:${b}`),
        ...tags.map(t => `project_path:${p}:ref_type:tag:ref:${t}`),
      ]),
    });
  }
  if (github) {
    const repositories = exactNames(scope, 'githubCiTrust.repositories', github.repositories, GITHUB_REPOSITORY, 'acme/orders');
    const branches = exactNames(scope, 'githubCiTrust.branches', github.branches, REF, 'main');
    const environments = exactNames(scope, 'githubCiTrust.environments', github.environments, REF, 'production');
    if (repositories.length === 0) {
      throw propError(scope, 'githubCiTrust.repositories', 'must name at least one repository.');
    }
    if (branches.length + environments.length === 0) {
      throw propError(scope, 'githubCiTrust.branches', 'or `environments` must name the refs that may deploy: without a ref condition every workflow of the repositories, pull requests included, could deploy.');
    }
    const audience = github.audience ?? 'sts.amazonaws.com';
    trusts.push({
      providerArn: provider(scope, 'GithubCi', GITHUB_ISSUER, audience, github.providerArn),
      host: GITHUB_HOST,
      audience,
      subjects: repositories.flatMap(r => [
        ...branches.map(b => `repo:${r}:ref:refs/heads/${b}`),
        ...environments.map(e => `repo:${r}:environment:${e}`),
      ]),
    });
  }
  return trusts;
}

/** The principal of one web identity trust: its provider, with the exact audience and subjects. */
export function webIdentityPrincipal(trust: WebIdentityTrust): iam.IPrincipal {
  return new iam.FederatedPrincipal(trust.providerArn, {
    StringEquals: { [`${trust.host}:aud`]: trust.audience, [`${trust.host}:sub`]: trust.subjects },
  }, 'sts:AssumeRoleWithWebIdentity');
}
