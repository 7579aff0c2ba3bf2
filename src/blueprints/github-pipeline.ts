import { github } from 'projen';
import { deployJobName, PipelineSettings } from './gitlab-pipeline';

/** Actions the workflow uses, pinned to their major versions. */
const CHECKOUT = 'actions/checkout@v4';
const AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@v4';

/**
 * `.github/workflows/pipeline.yml`, written with projen's GitHub workflow component: the same
 * pipeline as on GitLab. Each deploy job names its GitHub environment (whose protection rules
 * hold the approval of environments that require one), runs one at a time per environment
 * (`concurrency`), only on pushes to the default branch, with the environment's provisioning
 * role through GitHub's OIDC token.
 */
export function addGithubPipeline(gh: github.GitHub, s: PipelineSettings, defaultBranch: string): github.GithubWorkflow {
  const workflow = gh.addWorkflow('pipeline');
  workflow.on({ push: { branches: [defaultBranch] }, pullRequest: {} });
  const onDefaultBranch = `github.event_name == 'push' && github.ref == 'refs/heads/${defaultBranch}'`;
  const runsOn = s.runnerTags.length > 0 ? ['self-hosted', ...s.runnerTags] : ['ubuntu-latest'];
  workflow.addJobs({
    test: {
      runsOn,
      permissions: { contents: github.workflows.JobPermission.READ },
      container: { image: s.toolImage },
      steps: [{ uses: CHECKOUT }, ...s.testScript.map(run => ({ run }))],
    },
    build: {
      runsOn,
      needs: ['test'],
      if: onDefaultBranch,
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [{ uses: CHECKOUT }, ...s.build.script.map(run => ({ run }))],
    },
  });
  let previous = 'build';
  for (const target of s.targets) {
    const d = target.descriptor;
    const name = deployJobName(target);
    workflow.addJobs({
      [name]: {
        runsOn,
        needs: [previous],
        if: onDefaultBranch,
        environment: d.name,
        concurrency: { 'group': name, 'cancel-in-progress': false },
        permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
        container: { image: s.toolImage },
        env: { AWS_REGION: d.region, HARMONIX_ENVIRONMENT: d.name },
        steps: [
          { uses: CHECKOUT },
          { uses: AWS_CREDENTIALS, with: { 'role-to-assume': d.provisioningRoleArn, 'aws-region': d.region } },
          ...s.deployScript(target).map(run => ({ run })),
        ],
      },
    });
    previous = name;
  }
  return workflow;
}
