import { github } from 'projen';
import { regionOfRepository } from './blueprint-settings';
import { APP_URL, BUILD_ROLE_VARIABLE, deployCommands, deployJobName, IMAGE_REPOSITORY_VARIABLE, PipelinePlan, usesOidc } from './pipeline';

/** Actions the workflow uses, pinned to their major versions. */
const CHECKOUT = 'actions/checkout@v5';
const AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@v5';
const ECR_LOGIN = 'aws-actions/amazon-ecr-login@v2';
const UPLOAD = 'actions/upload-artifact@v4';
const DOWNLOAD = 'actions/download-artifact@v5';
const BUNDLE = 'bundle';

/**
 * `.github/workflows/pipeline.yml`, written with projen's GitHub workflow component: the same
 * pipeline as on GitLab. Each deploy job names its GitHub environment (whose protection rules
 * hold the approval of environments that require one, see the README) and the app's URL, runs
 * one at a time per environment (`concurrency`), only on pushes to the default branch, with the
 * environment's provisioning role from GitHub's OIDC token (or the self-hosted runner's role).
 */
export function addGithubPipeline(gh: github.GitHub, plan: PipelinePlan, defaultBranch: string): github.GithubWorkflow {
  const s = plan.settings;
  const oidc = usesOidc(plan);
  const workflow = gh.addWorkflow('pipeline');
  workflow.on({ push: { branches: [defaultBranch] }, pullRequest: {} });
  const onDefaultBranch = `github.event_name == 'push' && github.ref == 'refs/heads/${defaultBranch}'`;
  const runsOn = s.runnerTags.length > 0 ? ['self-hosted', ...s.runnerTags] : ['ubuntu-latest'];
  const read = { contents: github.workflows.JobPermission.READ };
  const aws = oidc ? { ...read, idToken: github.workflows.JobPermission.WRITE } : read;
  // The action asks for sts.amazonaws.com unless told otherwise.
  const audience = s.oidcAudience === 'sts.amazonaws.com' ? {} : { audience: s.oidcAudience };
  const imageRepository = s.imageRepositoryUri ?? `\${{ vars.${IMAGE_REPOSITORY_VARIABLE} }}`;

  workflow.addJobs({
    test: {
      runsOn,
      permissions: read,
      container: { image: plan.test.image },
      steps: [{ uses: CHECKOUT }, ...plan.test.commands.map(run => ({ run }))],
    },
  });
  if (plan.artifact.kind === 'image') {
    workflow.addJobs({
      build: {
        runsOn,
        needs: ['test'],
        if: onDefaultBranch,
        permissions: aws,
        env: { [IMAGE_REPOSITORY_VARIABLE]: imageRepository },
        steps: [
          { uses: CHECKOUT },
          {
            uses: AWS_CREDENTIALS,
            with: {
              'aws-region': s.imageRepositoryUri ? regionOfRepository(s.imageRepositoryUri) : s.region,
              ...(oidc ? { 'role-to-assume': s.buildRoleArn ?? `\${{ vars.${BUILD_ROLE_VARIABLE} }}`, ...audience } : {}),
            },
          },
          { uses: ECR_LOGIN },
          { run: `docker build --tag "$${IMAGE_REPOSITORY_VARIABLE}:$GITHUB_SHA" .` },
          { run: `docker push "$${IMAGE_REPOSITORY_VARIABLE}:$GITHUB_SHA"` },
        ],
      },
    });
  } else {
    workflow.addJobs({
      build: {
        runsOn,
        needs: ['test'],
        if: onDefaultBranch,
        permissions: read,
        container: { image: plan.artifact.image },
        steps: [
          { uses: CHECKOUT },
          ...plan.artifact.commands.map(run => ({ run })),
          { uses: UPLOAD, with: { 'name': BUNDLE, 'path': plan.artifact.directory, 'if-no-files-found': 'error' } },
        ],
      },
    });
  }

  let previous = 'build';
  for (const d of s.targets) {
    const name = deployJobName(d);
    workflow.addJobs({
      [name]: {
        runsOn,
        needs: previous === 'build' ? ['build'] : [previous, 'build'],
        if: onDefaultBranch,
        environment: { name: d.name, url: '${{ steps.deploy.outputs.url }}' },
        concurrency: { 'group': `deploy-${d.name}`, 'cancel-in-progress': false },
        permissions: aws,
        env: {
          AWS_REGION: d.region,
          HARMONIX_ENVIRONMENT: d.name,
          ...(plan.artifact.kind === 'image' ? { [IMAGE_REPOSITORY_VARIABLE]: imageRepository } : {}),
        },
        steps: [
          { uses: CHECKOUT },
          ...(plan.artifact.kind === 'bundle' ? [{ uses: DOWNLOAD, with: { name: BUNDLE, path: plan.artifact.directory } }] : []),
          { uses: 'actions/setup-node@v5', with: { 'node-version': '22' } },
          { uses: AWS_CREDENTIALS, with: { 'role-to-assume': d.provisioningRoleArn, 'aws-region': d.region, ...(oidc ? audience : {}) } },
          {
            id: 'deploy',
            run: [...deployCommands(plan, d, 'GITHUB_SHA'), `echo "url=${APP_URL}" >> "$GITHUB_OUTPUT"`].join('\n'),
          },
        ],
      },
    });
    previous = name;
  }
  return workflow;
}
