import { Gitlab } from '@gitbeaker/rest';
import { Command, Option } from 'commander';
import { CliError, ExitCode } from '../errors';

/** How a command reaches GitLab: the options every GitLab-facing command takes. */
export interface GitlabOptions {
  readonly gitlabUrl: string;
  readonly tokenEnv: string;
}

/** The GitLab REST client the commands use (gitbeaker's, with snake_case answers as GitLab sends them). */
export type GitlabClient = InstanceType<typeof Gitlab<false>>;

/** A connection to one GitLab: its client, and where it is for messages. */
export interface GitlabConnection {
  readonly api: GitlabClient;
  readonly url: string;
}

/** The variable that holds the token when --token-env does not name another. */
export const DEFAULT_TOKEN_ENV = 'GITLAB_TOKEN';

/** Adds `--gitlab-url` and `--token-env` to a command. The token itself is never an option: shells keep history. */
export function withGitlabOptions(command: Command, o: { tokenDefault?: boolean } = {}): Command {
  const tokenEnv = new Option('--token-env <name>', 'the environment variable that holds the access token');
  return command
    .addOption(new Option('--gitlab-url <url>', 'the GitLab (gitlab.com or self-managed)').default('https://gitlab.com'))
    .addOption(o.tokenDefault === false ? tokenEnv : tokenEnv.default(DEFAULT_TOKEN_ENV));
}

/** Checks the GitLab options and opens a client with the token of the variable they name; nothing is called yet. */
export function openGitlab(o: GitlabOptions): GitlabConnection {
  return connectGitlab(o.gitlabUrl, process.env[o.tokenEnv] ?? '', o.tokenEnv);
}

/**
 * Checks a GitLab's address and a token, and opens a client; nothing is called yet. `tokenSource`
 * names where the token came from (a variable, a configuration key) and `urlInput` the input that
 * gave the address, for the sentences that refuse them.
 */
export function connectGitlab(gitlabUrl: string, token: string, tokenSource: string, urlInput = '--gitlab-url'): GitlabConnection {
  let url: URL;
  try {
    url = new URL(gitlabUrl);
  } catch {
    throw new CliError(`${urlInput} "${gitlabUrl}" is not a URL (such as https://gitlab.com).`, ExitCode.USAGE);
  }
  if (url.protocol !== 'https:' && !(isLoopback(url) && url.protocol === 'http:')) {
    throw new CliError(`${urlInput} "${gitlabUrl}" must be https (http only for a GitLab on this machine): the token travels with every request.`, ExitCode.USAGE);
  }
  if (url.search || url.hash || url.username) {
    throw new CliError(`${urlInput} "${gitlabUrl}" is not a GitLab's address: give it without query, fragment or credentials, such as ${url.origin}.`, ExitCode.USAGE);
  }
  if (!token) {
    throw new CliError(tokenSource.startsWith('integrations.')
      ? `no GitLab token: set ${tokenSource} in Backstage's configuration to an access token with the api scope.`
      : `no GitLab token: set ${tokenSource} to an access token with the api scope (or name another variable with --token-env).`, ExitCode.GITLAB);
  }
  // A self-managed GitLab may live under a path (https://example.com/gitlab).
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return { api: new Gitlab({ host: base, token }), url: base };
}

/** Whether the URL names this machine: a GitLab started for a test or a demo. */
export function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/** The HTTP status of a failed GitLab call, if GitLab answered. */
export function gitlabStatus(e: unknown): number | undefined {
  const cause = (e as { cause?: { response?: { status?: number } } }).cause;
  return cause?.response?.status;
}

/** GitLab's own words about a failed call (its `message` or `error`), as one line. */
export function gitlabMessage(e: unknown): string {
  const description = (e as { cause?: { description?: string } }).cause?.description ?? (e as Error).message;
  return String(description).replace(/\s+/g, ' ').trim();
}

/** Runs a GitLab call that may find nothing: undefined on 404, the answer otherwise. */
export async function findOrUndefined<T>(call: () => Promise<T>, doing: string, conn: GitlabConnection): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (gitlabStatus(e) === 404) return undefined;
    throw gitlabError(e, doing, conn);
  }
}

/** One sentence for a failed GitLab call: who refused what, and what to do about it. */
export function gitlabError(e: unknown, doing: string, conn: GitlabConnection): CliError {
  if (e instanceof CliError) return e;
  const status = gitlabStatus(e);
  const said = gitlabMessage(e);
  switch (status) {
    case undefined:
      return new CliError(`could not reach GitLab at ${conn.url} to ${doing}: ${said}.`, ExitCode.GITLAB);
    case 401:
      return new CliError(`GitLab at ${conn.url} refused the token (401) to ${doing}: it is unknown, expired or revoked; create a new access token with the api scope.`, ExitCode.GITLAB);
    case 403:
      return new CliError(`GitLab at ${conn.url} forbade it (403) to ${doing}: the token needs the api scope (create_runner and read_api for runners), and its user the Maintainer role or more; GitLab said: ${said}.`, ExitCode.GITLAB);
    default:
      return new CliError(`GitLab at ${conn.url} refused (${status}) to ${doing}: ${said}.`, ExitCode.GITLAB);
  }
}
