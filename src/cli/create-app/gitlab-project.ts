import { RepoFile } from './repository';
import { StepLog } from './steps';
import { CliError, ExitCode } from '../errors';
import { findOrUndefined, gitlabError, gitlabStatus, GitlabConnection } from '../gitlab/client';

/** The branch the first commit goes to, and the pipelines deploy from. */
export const MAIN_BRANCH = 'main';

/** A CI/CD variable create-app sets on the project. */
export interface ProjectVariable {
  readonly key: string;
  readonly value: string;
  /** Masked and protected: a secret. Otherwise visible in job logs (a URI, an ARN). */
  readonly secret: boolean;
}

/** An environment whose deployments wait for an approval. */
export interface GatedEnvironment {
  readonly name: string;
  readonly approvals: number;
}

/**
 * How the caller of create-app names its inputs, for the sentences that refuse one: the command
 * line's flags, or a Backstage form's fields.
 */
export interface InputNames {
  /** The blueprint input, such as `--blueprint`. */
  readonly blueprint: string;
  /** The two ways to give environments, such as `--environments (read from SSM) or --descriptors (a folder of descriptors)`. */
  readonly environments: string;
  readonly gitHost: string;
  readonly gitlabUrl: string;
  readonly githubApiUrl: string;
  /** How the repo's folder is given, after "an empty or new folder", such as ` with --dir` (or empty). */
  readonly dir: string;
  /** The blueprint's own options. */
  readonly options: string;
  /** What to do when the group or organization is not there, such as `name another with --group`. */
  readonly otherGroup: string;
  /** What to do when the name is taken, such as `pick another --name, or another --group`. */
  readonly otherName: string;
  /** What sets how long generating may take, such as `--generate-timeout`. */
  readonly generateTimeout: string;
  /** How to run it again, such as `run the same command again`. */
  readonly retry: string;
}

/** The GitLab project as create-app wants it. */
export interface ProjectPlan {
  readonly groupPath: string;
  readonly name: string;
  readonly description: string;
  readonly visibility: string;
  readonly variables: ProjectVariable[];
  readonly gated: GatedEnvironment[];
  /** How the caller names its inputs. */
  readonly inputs: InputNames;
}

/** What create-app found of the project before changing anything. */
export interface ProjectState {
  readonly groupId: number;
  readonly project?: GitlabProject;
}

/** The fields of a GitLab project create-app reads. */
export interface GitlabProject {
  readonly id: number;
  readonly description?: string | null;
  readonly web_url: string;
  readonly http_url_to_repo: string;
  readonly path_with_namespace: string;
}

/** The project's full path. */
export function projectPath(plan: ProjectPlan): string {
  return `${plan.groupPath}/${plan.name}`;
}

/**
 * Reads the group and, if there is one, the project: the group must exist, and a project of that
 * path must be one create-app made for this app (its description says so), or the name is taken.
 */
export async function readProjectState(conn: GitlabConnection, plan: ProjectPlan): Promise<ProjectState> {
  const group = await findOrUndefined(() => conn.api.Groups.show(plan.groupPath), `read the group ${plan.groupPath}`, conn);
  if (group === undefined) {
    throw new CliError(`the group ${plan.groupPath} does not exist on ${conn.url}, or the token's user cannot see it: create it first, or ${plan.inputs.otherGroup}.`,
      ExitCode.GITLAB);
  }
  const full = projectPath(plan);
  const project = await findOrUndefined(() => conn.api.Projects.show(full), `read the project ${full}`, conn) as unknown as GitlabProject | undefined;
  if (project !== undefined && project.description !== plan.description) {
    throw new CliError(`the name ${plan.name} is taken in ${plan.groupPath}: ${project.web_url} exists and create-app did not make it for this app `
      + `(its description is not "${plan.description}"); ${plan.inputs.otherName}.`, ExitCode.GITLAB);
  }
  return { groupId: Number(group.id), project };
}

/**
 * Brings the GitLab project to the plan, step by step, each step reading first: what exists is
 * reused (and reported), so a second run after a failure continues where the first stopped.
 * `files` gives the first commit's files when main has none yet.
 */
export async function applyProjectPlan(conn: GitlabConnection, plan: ProjectPlan, state: ProjectState, files: () => RepoFile[], log: StepLog,
  dryRun = false): Promise<GitlabProject | undefined> {
  const full = projectPath(plan);
  let project = state.project;
  if (project === undefined && dryRun) {
    log.add(`project ${full}`, 'planned', `create it in ${plan.groupPath} (${plan.visibility})`);
    log.add(`branch ${MAIN_BRANCH}`, 'planned', 'commit every file of the generated repo in one commit');
    log.add(`protected branch ${MAIN_BRANCH}`, 'planned', 'Maintainers push and merge; no force push');
    plan.variables.forEach(v => log.add(`variable ${v.key}`, 'planned', v.secret ? 'masked and protected' : 'not secret: visible in job logs'));
    plan.gated.forEach(e => log.add(`protected environment ${e.name}`, 'planned', `${e.approvals} approval(s) required (GitLab Premium; else its manual job)`));
    return undefined;
  }
  if (project === undefined) {
    try {
      project = await conn.api.Projects.create({
        name: plan.name,
        path: plan.name,
        namespaceId: state.groupId,
        description: plan.description,
        visibility: plan.visibility,
        defaultBranch: MAIN_BRANCH,
        initializeWithReadme: false,
      } as never) as unknown as GitlabProject;
    } catch (e) {
      if (gitlabStatus(e) === 400 && /taken/i.test(String((e as { cause?: { description?: string } }).cause?.description))) {
        throw new CliError(`the name ${plan.name} is taken in ${plan.groupPath} (GitLab said so on creating it): ${plan.inputs.otherName}.`, ExitCode.GITLAB);
      }
      throw gitlabError(e, `create the project ${full}`, conn);
    }
    log.add(`project ${full}`, 'created', project.web_url);
  } else {
    log.add(`project ${full}`, 'exists', `${project.web_url} (made by create-app for this app)`);
  }
  const id = project.id;

  const head = await findOrUndefined(() => conn.api.Commits.show(id, MAIN_BRANCH), `read the branch ${MAIN_BRANCH} of ${full}`, conn);
  if (head === undefined && dryRun) {
    log.add(`branch ${MAIN_BRANCH}`, 'planned', 'commit every file of the generated repo in one commit');
  } else if (head === undefined) {
    const repo = files();
    const commit = await conn.api.Commits.create(id, MAIN_BRANCH, 'Initial commit: the app as its blueprint made it (harmonix create-app)',
      repo.map(f => ({ action: 'create', filePath: f.path, content: f.content, encoding: f.encoding, executeFilemode: f.executable })) as never)
      .catch(e => { throw gitlabError(e, `commit the repo's files to ${MAIN_BRANCH} of ${full}`, conn); });
    log.add(`branch ${MAIN_BRANCH}`, 'created', `commit ${String(commit.id).slice(0, 8)} with ${repo.length} files`);
  } else {
    log.add(`branch ${MAIN_BRANCH}`, 'exists', `at commit ${String(head.id).slice(0, 8)}; left as it is`);
  }

  const protectedMain = await findOrUndefined(() => conn.api.ProtectedBranches.show(id, MAIN_BRANCH), `read the protection of ${MAIN_BRANCH}`, conn);
  if (protectedMain === undefined && dryRun) {
    log.add(`protected branch ${MAIN_BRANCH}`, 'planned', 'Maintainers push and merge; no force push');
  } else if (protectedMain === undefined) {
    // gitbeaker's ProtectedBranches.protect sends these as query parameters; GitLab's description
    // has them in the JSON body, which GitLab reads as well: the body it is.
    await conn.api.ProtectedBranches.requester.post(`projects/${id}/protected_branches`, { body: { name: MAIN_BRANCH, allow_force_push: false } })
      .catch(e => { throw gitlabError(e, `protect ${MAIN_BRANCH} of ${full}`, conn); });
    log.add(`protected branch ${MAIN_BRANCH}`, 'created', 'Maintainers push and merge; no force push');
  } else {
    log.add(`protected branch ${MAIN_BRANCH}`, 'exists', 'left as it is');
  }

  for (const v of plan.variables) {
    await setVariable(conn, id, v, log, dryRun);
  }
  await protectEnvironments(conn, id, plan.gated, log, dryRun);
  return project;
}

async function setVariable(conn: GitlabConnection, projectId: number, v: ProjectVariable, log: StepLog, dryRun: boolean): Promise<void> {
  const options = { masked: v.secret, protected: v.secret, raw: true, variableType: 'env_var' };
  const what = v.secret ? 'masked and protected' : 'not secret: visible in job logs';
  const current = await findOrUndefined(() => conn.api.ProjectVariables.show(projectId, v.key), `read the variable ${v.key}`, conn);
  const same = current !== undefined && current.value === v.value && Boolean(current.masked) === v.secret && Boolean(current.protected) === v.secret;
  if (dryRun && !same) {
    log.add(`variable ${v.key}`, 'planned', `${current === undefined ? 'set' : 'update'} it: ${what}`);
  } else if (current === undefined) {
    await conn.api.ProjectVariables.create(projectId, v.key, v.value, options as never)
      .catch(e => { throw gitlabError(e, `set the variable ${v.key}`, conn); });
    log.add(`variable ${v.key}`, 'created', what);
  } else if (!same) {
    await conn.api.ProjectVariables.edit(projectId, v.key, v.value, options as never)
      .catch(e => { throw gitlabError(e, `update the variable ${v.key}`, conn); });
    log.add(`variable ${v.key}`, 'updated', what);
  } else {
    log.add(`variable ${v.key}`, 'exists', `${what}; the same value`);
  }
}

/**
 * Protected environments with required approvals for the gated stages (GitLab Premium and
 * Ultimate). Where GitLab has none (Free: it answers 403 or 404), the pipeline's manual job on the
 * protected main branch is the gate, and the step says so.
 */
async function protectEnvironments(conn: GitlabConnection, projectId: number, gated: GatedEnvironment[], log: StepLog,
  dryRun: boolean): Promise<void> {
  for (const env of gated) {
    // Free answers the read with 403 or 404 as well: the create below tells the tiers apart.
    const exists = await conn.api.ProjectProtectedEnvironments.show(projectId, env.name).catch(e => {
      if (gitlabStatus(e) === 403 || gitlabStatus(e) === 404) return undefined;
      throw gitlabError(e, `read the protected environment ${env.name}`, conn);
    });
    if (exists !== undefined) {
      log.add(`protected environment ${env.name}`, 'exists', 'left as it is');
      continue;
    }
    if (dryRun) {
      log.add(`protected environment ${env.name}`, 'planned', `${env.approvals} approval(s) required (GitLab Premium; else its manual job)`);
      continue;
    }
    try {
      await conn.api.ProjectProtectedEnvironments.create(projectId, env.name, [{ accessLevel: 40 }] as never,
        { approvalRules: [{ accessLevel: 40, requiredApprovals: env.approvals }] } as never);
      log.add(`protected environment ${env.name}`, 'created', `Maintainers deploy, ${env.approvals} approval${env.approvals === 1 ? '' : 's'} required`);
    } catch (e) {
      const status = gitlabStatus(e);
      if (status !== 403 && status !== 404) throw gitlabError(e, `protect the environment ${env.name}`, conn);
      log.add(`protected environment ${env.name}`, 'fallback',
        `${conn.url} has no protected environments for this project (${status}: they need GitLab Premium or Ultimate); `
        + `its deploy job stays manual (when: manual) on the protected ${MAIN_BRANCH} branch`);
    }
  }
}
