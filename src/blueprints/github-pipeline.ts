import { github } from 'projen';
import { regionOfRepository } from './blueprint-settings';
import { ACTIONS, GithubWorkflowFile, uses } from './github-actions';
import { APP_URL, BUILD_ROLE_VARIABLE, deployCommands, deployJobName, IMAGE_REPOSITORY_VARIABLE, PipelinePlan, usesOidc } from './pipeline';

const BUNDLE = 'bundle';
/** The longest each job may run before GitHub cancels it (GitHub's default is 6 hours). */
const TIMEOUT_MINUTES = { test: 30, build: 30, deploy: 60 };

/** Checks the commit out without leaving the job's token in the repository's Git configuration. */
const CHECKOUT = { uses: uses(ACTIONS.checkout), with: { 'persist-credentials': false } };

/**
 * `.github/workflows/pipeline.yml`, a projen-managed file: the same pipeline as on GitLab. Each
 * deploy job names its GitHub environment (whose protection rules hold the approval of
 * environments that require one, see the README) and the app's URL, runs one at a time per
 * environment (`concurrency`), only on pushes to the default branch, with the environment's
 * provisioning role from GitHub's OIDC token (or the self-hosted runner's role).
 *
 * Hardened as GitHub's security hardening guide asks: every action pinned to a release's commit
 * (its version in a comment), no job token left in the checkout, a token of no permission by
 * default and each job's least (`id-token: write` only where a job exchanges it for a role), and
 * a time limit on every job.
 */
export function addGithubPipeline(gh: github.GitHub, plan: PipelinePlan, defaultBranch: string): GithubWorkflowFile | undefined {
  if (!gh.workflowsEnabled) return undefined;
  const s = plan.settings;
  const oidc = usesOidc(plan);
  const onDefaultBranch = `github.event_name == 'push' && github.ref == 'refs/heads/${defaultBranch}'`;
  const runsOn = s.runnerTags.length > 0 ? ['self-hosted', ...s.runnerTags] : 'ubuntu-latest';
  const read = { contents: 'read' };
  const aws = oidc ? { ...read, 'id-token': 'write' } : read;
  // The action asks for sts.amazonaws.com unless told otherwise.
  const audience = s.oidcAudience === 'sts.amazonaws.com' ? {} : { audience: s.oidcAudience };
  const imageRepository = s.imageRepositoryUri ?? `\${{ vars.${IMAGE_REPOSITORY_VARIABLE} }}`;
  const run = (commands: string[]) => commands.map(command => ({ run: command }));

  const jobs: Record<string, object> = {
    test: {
      'runs-on': runsOn,
      'timeout-minutes': TIMEOUT_MINUTES.test,
      'permissions': read,
      'container': { image: plan.test.image },
      'steps': [CHECKOUT, ...run(plan.test.commands)],
    },
  };
  if (plan.artifact.kind === 'image') {
    jobs.build = {
      'needs': 'test',
      'if': onDefaultBranch,
      'runs-on': runsOn,
      'timeout-minutes': TIMEOUT_MINUTES.build,
      'permissions': aws,
      'env': { [IMAGE_REPOSITORY_VARIABLE]: imageRepository },
      'steps': [
        CHECKOUT,
        {
          uses: uses(ACTIONS.awsCredentials),
          with: {
            'aws-region': s.imageRepositoryUri ? regionOfRepository(s.imageRepositoryUri) : s.region,
            ...(oidc ? { 'role-to-assume': s.buildRoleArn ?? `\${{ vars.${BUILD_ROLE_VARIABLE} }}`, ...audience } : {}),
          },
        },
        { uses: uses(ACTIONS.ecrLogin) },
        ...run([
          `docker build --tag "$${IMAGE_REPOSITORY_VARIABLE}:$GITHUB_SHA" .`,
          `docker push "$${IMAGE_REPOSITORY_VARIABLE}:$GITHUB_SHA"`,
        ]),
      ],
    };
  } else {
    jobs.build = {
      'needs': 'test',
      'if': onDefaultBranch,
      'runs-on': runsOn,
      'timeout-minutes': TIMEOUT_MINUTES.build,
      'permissions': read,
      'container': { image: plan.artifact.image },
      'steps': [
        CHECKOUT,
        ...run(plan.artifact.commands),
        { uses: uses(ACTIONS.uploadArtifact), with: { 'name': BUNDLE, 'path': plan.artifact.directory, 'if-no-files-found': 'error' } },
      ],
    };
  }

  let previous = 'build';
  for (const d of s.targets) {
    const name = deployJobName(d);
    jobs[name] = {
      'needs': previous === 'build' ? 'build' : [previous, 'build'],
      'if': onDefaultBranch,
      'runs-on': runsOn,
      'timeout-minutes': TIMEOUT_MINUTES.deploy,
      'permissions': aws,
      'environment': { name: d.name, url: '${{ steps.deploy.outputs.url }}' },
      'concurrency': { 'group': `deploy-${d.name}`, 'cancel-in-progress': false },
      'env': {
        AWS_REGION: d.region,
        HARMONIX_ENVIRONMENT: d.name,
        ...(plan.artifact.kind === 'image' ? { [IMAGE_REPOSITORY_VARIABLE]: imageRepository } : {}),
      },
      'steps': [
        CHECKOUT,
        ...(plan.artifact.kind === 'bundle' ? [{ uses: uses(ACTIONS.downloadArtifact), with: { name: BUNDLE, path: plan.artifact.directory } }] : []),
        // No dependency cache in a job that holds an environment's role.
        { uses: uses(ACTIONS.setupNode), with: { 'node-version': '22', 'package-manager-cache': false } },
        { uses: uses(ACTIONS.awsCredentials), with: { 'role-to-assume': d.provisioningRoleArn, 'aws-region': d.region, ...(oidc ? audience : {}) } },
        {
          id: 'deploy',
          run: [...deployCommands(plan, d, 'GITHUB_SHA'), `echo "url=${APP_URL}" >> "$GITHUB_OUTPUT"`].join('\n'),
        },
      ],
    };
    previous = name;
  }

  return new GithubWorkflowFile(gh.project, 'pipeline', () => ({
    name: 'pipeline',
    on: { push: { branches: [defaultBranch] }, pull_request: {} },
    // The token has no permission unless a job names it.
    permissions: {},
    jobs,
  }));
}
