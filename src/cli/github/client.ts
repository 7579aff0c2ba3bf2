import { Octokit } from '@octokit/rest';
import { CliError, ExitCode } from '../errors';
import { isLoopback } from '../gitlab/client';

/** The variable that holds the GitHub token when --token-env does not name another. */
export const DEFAULT_GITHUB_TOKEN_ENV = 'GITHUB_TOKEN';

/** A connection to GitHub's REST API (github.com or an Enterprise Server's `/api/v3`). */
export interface GithubConnection {
  readonly api: Octokit;
  readonly url: string;
}

/** Checks the API URL and the token of the variable `tokenEnv` names, and opens Octokit; nothing is called yet. */
export function openGithub(apiUrl: string, tokenEnv: string): GithubConnection {
  return connectGithub(apiUrl, process.env[tokenEnv] ?? '', tokenEnv);
}

/**
 * Checks GitHub's API URL and a token, and opens Octokit; nothing is called yet. `tokenSource`
 * names where the token came from (a variable, a configuration key) and `urlInput` the input that
 * gave the URL, for the sentences that refuse them.
 */
export function connectGithub(apiUrl: string, token: string, tokenSource: string, urlInput = '--github-api-url'): GithubConnection {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new CliError(`${urlInput} "${apiUrl}" is not a URL (such as https://api.github.com).`, ExitCode.USAGE);
  }
  if (url.protocol !== 'https:' && !(isLoopback(url) && url.protocol === 'http:')) {
    throw new CliError(`${urlInput} "${apiUrl}" must be https (http only for a server on this machine): the token travels with every request.`, ExitCode.USAGE);
  }
  if (!token) {
    const what = 'a token that may create repositories, environments and Actions variables';
    throw new CliError(tokenSource.startsWith('integrations.')
      ? `no GitHub token: set ${tokenSource} in Backstage's configuration to ${what} (or configure a GitHub App there).`
      : `no GitHub token: set ${tokenSource} to ${what} (or name another variable with --token-env).`, ExitCode.GITLAB);
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  const quiet = () => undefined;
  return {
    api: new Octokit({ auth: token, baseUrl: base, userAgent: 'harmonix-cdk', log: { debug: quiet, info: quiet, warn: quiet, error: quiet } }),
    url: base,
  };
}

/** The HTTP status of a failed GitHub call, if GitHub answered. */
export function githubStatus(e: unknown): number | undefined {
  const status = (e as { status?: number }).status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/** One sentence for a failed GitHub call: who refused what, and what to do about it. */
export function githubError(e: unknown, doing: string, conn: GithubConnection): CliError {
  if (e instanceof CliError) return e;
  const status = githubStatus(e);
  const said = String((e as { response?: { data?: { message?: string } } }).response?.data?.message ?? (e as Error).message).replace(/\s+/g, ' ').trim();
  switch (status) {
    case undefined:
      return new CliError(`could not reach GitHub at ${conn.url} to ${doing}: ${said}.`, ExitCode.GITLAB);
    case 401:
      return new CliError(`GitHub at ${conn.url} refused the token (401) to ${doing}: it is unknown, expired or revoked; create a new one.`, ExitCode.GITLAB);
    case 403:
      return new CliError(`GitHub at ${conn.url} forbade it (403) to ${doing}: the token needs the repo and workflow scopes (or, fine-grained, `
        + `Administration, Contents, Environments, Secrets and Variables write), and its user admin rights; GitHub said: ${said}.`, ExitCode.GITLAB);
    default:
      return new CliError(`GitHub at ${conn.url} refused (${status}) to ${doing}: ${said}.`, ExitCode.GITLAB);
  }
}

/** Runs a GitHub call that may find nothing: undefined on 404, the answer's data otherwise. */
export async function findOnGithub<T>(call: () => Promise<{ data: T }>, doing: string, conn: GithubConnection): Promise<T | undefined> {
  try {
    return (await call()).data;
  } catch (e) {
    if (githubStatus(e) === 404) return undefined;
    throw githubError(e, doing, conn);
  }
}
