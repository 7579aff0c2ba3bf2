import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';

/** Where the new repository goes, and how create-app reaches its host. */
export interface RepositoryTarget {
  /** `gitlab` or `github`. */
  readonly gitHost: 'gitlab' | 'github';
  /** The integration's host, such as `gitlab.com`. */
  readonly host: string;
  /** The GitLab group (nested as a/b/c), or the GitHub organization or user. */
  readonly group: string;
  readonly repo: string;
  /** GitLab's address (the integration's `baseUrl`). */
  readonly gitlabUrl?: string;
  /** GitHub's REST API (the integration's `apiBaseUrl`). */
  readonly githubApiUrl?: string;
  /** The repository's web address, as the host will show it. */
  readonly webUrl: string;
  /** The token, from the integration (never from the template's input); empty when it has none. */
  readonly token: string;
  /** The configuration key the token is read from, for the sentence that asks for it. */
  readonly tokenSource: string;
}

/**
 * The repository a `RepoUrlPicker` value names (`gitlab.com?owner=shop/apps&repo=orders`), on a
 * host that has a GitLab or GitHub integration in Backstage's configuration, with that
 * integration's address and token (GitHub: a token or a GitHub App's installation token).
 */
export async function repositoryTarget(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
): Promise<RepositoryTarget> {
  const host = repoUrl.split('?')[0];
  if (!integrations.gitlab.byHost(host) && !integrations.github.byHost(host)) {
    throw new InputError(
      `repoUrl's host ${host} has no GitLab or GitHub integration in Backstage's configuration (integrations.gitlab or integrations.github): ` +
        'add one with a token, or pick a host that has one.',
    );
  }
  let parsed: ReturnType<typeof parseRepoUrl>;
  try {
    parsed = parseRepoUrl(repoUrl, integrations);
  } catch (e) {
    throw new InputError(
      `repoUrl "${repoUrl}" is not a repository location (host?owner=<group>&repo=<name>, as the repository picker writes it): ${
        (e as Error).message
      }`,
    );
  }
  const { owner, repo } = parsed;
  if (!owner) {
    throw new InputError(
      `repoUrl "${repoUrl}" names no owner: give the GitLab group or GitHub organization (owner=...).`,
    );
  }
  const gitlab = integrations.gitlab.byHost(host);
  if (gitlab) {
    const baseUrl = gitlab.config.baseUrl ?? `https://${host}`;
    return {
      gitHost: 'gitlab',
      host,
      group: owner,
      repo,
      gitlabUrl: baseUrl,
      webUrl: `${baseUrl.replace(/\/+$/, '')}/${owner}/${repo}`,
      token: gitlab.config.token ?? '',
      tokenSource: `integrations.gitlab[host=${host}].token`,
    };
  }
  const github = integrations.github.byHost(host);
  if (github) {
    const { token } = await DefaultGithubCredentialsProvider.fromIntegrations(
      integrations,
    ).getCredentials({ url: `https://${host}/${owner}/${repo}` });
    const apiUrl = github.config.apiBaseUrl ?? 'https://api.github.com';
    return {
      gitHost: 'github',
      host,
      group: owner,
      repo,
      githubApiUrl: apiUrl,
      webUrl: `https://${host}/${owner}/${repo}`,
      token: token ?? '',
      tokenSource: `integrations.github[host=${host}].token`,
    };
  }
  throw new InputError(
    `repoUrl's host ${host} has no GitLab or GitHub integration in Backstage's configuration (integrations.gitlab or integrations.github): ` +
      'add one with a token, or pick a host that has one.',
  );
}

/** Where a repository's files are read at a branch: what `catalog:register` takes as `repoContentsUrl`. */
export function repoContentsUrl(
  gitHost: 'gitlab' | 'github',
  webUrl: string,
  branch: string,
): string {
  return gitHost === 'gitlab'
    ? `${webUrl}/-/blob/${branch}`
    : `${webUrl}/blob/${branch}`;
}
