import { MAIN_BRANCH, ProjectPlan } from './gitlab-project';
import { RepoFile } from './repository';
import { StepLog } from './steps';
import { CliError, ExitCode } from '../errors';
import { findOnGithub, githubError, githubStatus, GithubConnection } from '../github/client';

/** The message of the commit create-app makes; a second run knows it by it. */
export const COMMIT_MESSAGE = 'Initial commit: the app as its blueprint made it (harmonix create-app)';

/** The fields of a GitHub repository create-app reads. */
export interface GithubRepo {
  readonly name: string;
  readonly full_name: string;
  readonly description: string | null;
  readonly html_url: string;
  readonly clone_url: string;
  readonly default_branch: string;
}

/** What create-app found on GitHub before changing anything. */
export interface RepoState {
  /** The token's user. */
  readonly user: { readonly login: string; readonly id: number };
  /** Whether the owner is an organization (else the token's user). */
  readonly organization: boolean;
  readonly repo?: GithubRepo;
}

/**
 * Reads who the token is, the owner (the token's user, or an organization) and, if there is one,
 * the repository: one of that name must be the one create-app made for this app, or the name is taken.
 */
export async function readRepoState(conn: GithubConnection, plan: ProjectPlan): Promise<RepoState> {
  const user = await conn.api.users.getAuthenticated().then(r => r.data).catch(e => { throw githubError(e, 'read the token\'s user', conn); });
  const organization = plan.groupPath !== user.login;
  if (organization && await findOnGithub(() => conn.api.orgs.get({ org: plan.groupPath }), `read the organization ${plan.groupPath}`, conn) === undefined) {
    throw new CliError(`the owner ${plan.groupPath} is neither the token's user (${user.login}) nor an organization on ${conn.url} it can see: `
      + `create the organization first, or ${plan.inputs.otherGroup}.`, ExitCode.GITLAB);
  }
  const repo = await findOnGithub(() => conn.api.repos.get({ owner: plan.groupPath, repo: plan.name }), `read the repository ${plan.groupPath}/${plan.name}`, conn);
  if (repo !== undefined && repo.description !== plan.description) {
    throw new CliError(`the name ${plan.name} is taken in ${plan.groupPath}: ${repo.html_url} exists and create-app did not make it for this app `
      + `(its description is not "${plan.description}"); ${plan.inputs.otherName}.`, ExitCode.GITLAB);
  }
  return { user: { login: user.login, id: user.id }, organization, repo: repo as GithubRepo | undefined };
}

/** Who approves the gated environments' deployments: a team of the organization, or the token's user. */
export interface Reviewer {
  readonly type: 'Team' | 'User';
  readonly id: number;
  readonly name: string;
}

/** The reviewer: `--reviewer-team` of the organization, or the token's user. */
export async function readReviewer(conn: GithubConnection, plan: ProjectPlan, state: RepoState, team: string | undefined): Promise<Reviewer> {
  if (team === undefined) {
    return { type: 'User', id: state.user.id, name: state.user.login };
  }
  if (!state.organization) {
    throw new CliError(`--reviewer-team ${team}: ${plan.groupPath} is a user, not an organization, so it has no teams.`, ExitCode.USAGE);
  }
  const found = await findOnGithub(() => conn.api.teams.getByName({ org: plan.groupPath, team_slug: team }), `read the team ${team}`, conn);
  if (found === undefined) {
    throw new CliError(`--reviewer-team ${team}: the organization ${plan.groupPath} has no team of that slug the token can see.`, ExitCode.GITLAB);
  }
  return { type: 'Team', id: found.id, name: `${plan.groupPath}/${team}` };
}

/**
 * Brings the GitHub repository to the plan, step by step, each step reading first (as for GitLab):
 * the repository, one commit of every file on main, main protected, Actions variables and secrets,
 * and the gated environments with required reviewers.
 */
export async function applyRepoPlan(conn: GithubConnection, plan: ProjectPlan, state: RepoState, reviewer: Reviewer, files: () => RepoFile[],
  log: StepLog, dryRun = false): Promise<GithubRepo | undefined> {
  const owner = plan.groupPath;
  const full = `${owner}/${plan.name}`;
  let repo = state.repo;
  if (repo === undefined && dryRun) {
    log.add(`repository ${full}`, 'planned', `create it (${plan.visibility})`);
    log.add(`branch ${MAIN_BRANCH}`, 'planned', 'commit every file of the generated repo in one commit');
    log.add(`protected branch ${MAIN_BRANCH}`, 'planned', 'no force push, no deletion, admins included');
    plan.variables.forEach(v => log.add(`${v.secret ? 'secret' : 'variable'} ${v.key}`, 'planned', v.secret ? 'an Actions secret, sealed' : 'an Actions variable'));
    plan.gated.forEach(e => log.add(`environment ${e.name}`, 'planned', `deployments wait for ${reviewer.name}`));
    return undefined;
  }
  if (repo === undefined) {
    const body = { name: plan.name, description: plan.description, private: plan.visibility !== 'public', auto_init: true };
    try {
      repo = (state.organization
        ? await conn.api.repos.createInOrg({ org: owner, ...body })
        : await conn.api.repos.createForAuthenticatedUser(body)).data as GithubRepo;
    } catch (e) {
      if (githubStatus(e) === 422 && /already exists/i.test(String((e as { response?: { data?: unknown } }).response?.data ? JSON.stringify((e as any).response.data) : ''))) {
        throw new CliError(`the name ${plan.name} is taken in ${owner} (GitHub said so on creating it): ${plan.inputs.otherName}.`, ExitCode.GITLAB);
      }
      throw githubError(e, `create the repository ${full}`, conn);
    }
    log.add(`repository ${full}`, 'created', repo.html_url);
  } else {
    log.add(`repository ${full}`, 'exists', `${repo.html_url} (made by create-app for this app)`);
  }
  if (repo.default_branch !== MAIN_BRANCH) {
    throw new CliError(`${repo.html_url} has the default branch ${repo.default_branch} (its owner's setting), and the pipeline deploys from ${MAIN_BRANCH}: `
      + `rename it to ${MAIN_BRANCH} on GitHub.`, ExitCode.GITLAB);
  }

  const head = await findOnGithub(() => conn.api.repos.getCommit({ owner, repo: plan.name, ref: MAIN_BRANCH }), `read the branch ${MAIN_BRANCH} of ${full}`, conn);
  if (head === undefined) {
    throw new CliError(`${repo.html_url} has no branch ${MAIN_BRANCH}, though GitHub made it with its first commit: `
      + `delete the repository, or push a first commit to main, and ${plan.inputs.retry}.`, ExitCode.GITLAB);
  }
  if (head.commit.message === COMMIT_MESSAGE) {
    log.add(`branch ${MAIN_BRANCH}`, 'exists', `at commit ${head.sha.slice(0, 8)}; left as it is`);
  } else if (dryRun) {
    log.add(`branch ${MAIN_BRANCH}`, 'planned', 'commit every file of the generated repo in one commit');
  } else {
    const repoFiles = files();
    const sha = await commitFiles(conn, owner, plan.name, head.sha, repoFiles).catch(e => { throw githubError(e, `commit the repo's files to ${full}`, conn); });
    log.add(`branch ${MAIN_BRANCH}`, 'created', `commit ${sha.slice(0, 8)} with ${repoFiles.length} files`);
  }

  await protectMain(conn, owner, plan.name, log, dryRun, plan.inputs.retry);
  for (const v of plan.variables) {
    if (v.secret) await setSecret(conn, owner, plan.name, v.key, v.value, log, dryRun);
    else await setVariable(conn, owner, plan.name, v.key, v.value, log, dryRun);
  }
  for (const env of plan.gated) {
    await protectEnvironment(conn, owner, plan.name, env.name, reviewer, log, dryRun);
  }
  return repo;
}

/** One commit holding every file (its tree replaces GitHub's first README), on top of GitHub's first commit. */
async function commitFiles(conn: GithubConnection, owner: string, repo: string, parent: string, files: RepoFile[]): Promise<string> {
  const tree = [];
  for (const f of files) {
    const blob = await conn.api.git.createBlob({ owner, repo, content: f.content, encoding: f.encoding === 'base64' ? 'base64' : 'utf-8' });
    tree.push({ path: f.path, mode: (f.executable ? '100755' : '100644') as '100755' | '100644', type: 'blob' as const, sha: blob.data.sha });
  }
  const created = await conn.api.git.createTree({ owner, repo, tree });
  const commit = await conn.api.git.createCommit({ owner, repo, message: COMMIT_MESSAGE, tree: created.data.sha, parents: [parent] });
  await conn.api.git.updateRef({ owner, repo, ref: `heads/${MAIN_BRANCH}`, sha: commit.data.sha, force: false });
  return commit.data.sha;
}

async function protectMain(conn: GithubConnection, owner: string, repo: string, log: StepLog, dryRun: boolean, retry: string): Promise<void> {
  const step = `protected branch ${MAIN_BRANCH}`;
  const current = await conn.api.repos.getBranchProtection({ owner, repo, branch: MAIN_BRANCH }).then(r => r.data).catch(e => {
    if (githubStatus(e) === 404 || githubStatus(e) === 403) return undefined;
    throw githubError(e, `read the protection of ${MAIN_BRANCH}`, conn);
  });
  if (current !== undefined) {
    log.add(step, 'exists', 'left as it is');
  } else if (dryRun) {
    log.add(step, 'planned', 'no force push, no deletion, admins included');
  } else {
    try {
      await conn.api.repos.updateBranchProtection({
        owner,
        repo,
        branch: MAIN_BRANCH,
        required_status_checks: null,
        enforce_admins: true,
        required_pull_request_reviews: null,
        restrictions: null,
        allow_force_pushes: false,
        allow_deletions: false,
      });
      log.add(step, 'created', 'no force push, no deletion, admins included');
    } catch (e) {
      if (githubStatus(e) !== 403) throw githubError(e, `protect ${MAIN_BRANCH}`, conn);
      log.add(step, 'fallback', `${conn.url} does not protect branches of this repository (403: private repositories need GitHub Pro, Team or Enterprise); `
        + `${MAIN_BRANCH} stays unprotected: make it public or upgrade, and ${retry}`);
    }
  }
}

async function setVariable(conn: GithubConnection, owner: string, repo: string, name: string, value: string, log: StepLog,
  dryRun: boolean): Promise<void> {
  const current = await findOnGithub(() => conn.api.actions.getRepoVariable({ owner, repo, name }), `read the variable ${name}`, conn);
  const step = `variable ${name}`;
  if (current !== undefined && current.value === value) {
    log.add(step, 'exists', 'an Actions variable; the same value');
  } else if (dryRun) {
    log.add(step, 'planned', `${current === undefined ? 'set' : 'update'} it: an Actions variable`);
  } else if (current === undefined) {
    await conn.api.actions.createRepoVariable({ owner, repo, name, value }).catch(e => { throw githubError(e, `set the variable ${name}`, conn); });
    log.add(step, 'created', 'an Actions variable');
  } else {
    await conn.api.actions.updateRepoVariable({ owner, repo, name, value }).catch(e => { throw githubError(e, `update the variable ${name}`, conn); });
    log.add(step, 'updated', 'an Actions variable');
  }
}

/** An Actions secret, sealed with the repository's public key (libsodium's sealed box) as GitHub requires; GitHub never gives it back. */
async function setSecret(conn: GithubConnection, owner: string, repo: string, name: string, value: string, log: StepLog,
  dryRun: boolean): Promise<void> {
  const step = `secret ${name}`;
  const exists = await findOnGithub(() => conn.api.actions.getRepoSecret({ owner, repo, secret_name: name }), `read the secret ${name}`, conn) !== undefined;
  if (dryRun) {
    log.add(step, 'planned', `${exists ? 'replace' : 'set'} it: an Actions secret, sealed`);
    return;
  }
  const key = await conn.api.actions.getRepoPublicKey({ owner, repo }).then(r => r.data).catch(e => { throw githubError(e, 'read the repository\'s public key', conn); });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sodium = require('libsodium-wrappers') as typeof import('libsodium-wrappers');
  await sodium.ready;
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL));
  await conn.api.actions.createOrUpdateRepoSecret({
    owner, repo, secret_name: name, key_id: key.key_id, encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
  }).catch(e => { throw githubError(e, `set the secret ${name}`, conn); });
  log.add(step, exists ? 'updated' : 'created', 'an Actions secret, sealed (GitHub cannot show it back, so each run writes it)');
}

/** A deployment environment whose deployments wait for the reviewer, from protected branches only. */
async function protectEnvironment(conn: GithubConnection, owner: string, repo: string, name: string, reviewer: Reviewer, log: StepLog,
  dryRun: boolean): Promise<void> {
  const step = `environment ${name}`;
  const current = await findOnGithub(() => conn.api.repos.getEnvironment({ owner, repo, environment_name: name }), `read the environment ${name}`, conn);
  const reviewed = (current?.protection_rules ?? []).some(r => r.type === 'required_reviewers');
  if (reviewed) {
    log.add(step, 'exists', 'its deployments wait for a reviewer; left as it is');
    return;
  }
  if (dryRun) {
    log.add(step, 'planned', `deployments wait for ${reviewer.name}`);
    return;
  }
  try {
    await conn.api.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: name,
      reviewers: [{ type: reviewer.type, id: reviewer.id }],
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
  } catch (e) {
    if (githubStatus(e) === 422) {
      throw new CliError(`GitHub at ${conn.url} refused required reviewers for the environment ${name} (422: private repositories need GitHub Team or `
        + 'Enterprise for them): without them its deployments would not wait for anyone; make the repository public (--visibility public) or upgrade.',
      ExitCode.GITLAB);
    }
    throw githubError(e, `protect the environment ${name}`, conn);
  }
  log.add(step, current === undefined ? 'created' : 'updated', `deployments wait for ${reviewer.name}, from protected branches only`);
}
