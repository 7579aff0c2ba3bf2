import { gitlab, Project } from 'projen';
import { regionOfRepository } from './blueprint-settings';
import {
  APP_URL, BUILD_ROLE_VARIABLE, BUILDAH_IMAGE, deployCommands, deployJobName, IMAGE_REPOSITORY_VARIABLE, NODE_IMAGE, PipelinePlan, usesOidc,
} from './pipeline';
import { assumeRoleProfileCommands } from '../common/aws-profile';

/** Only the default branch builds and deploys; merge requests and other branches test. */
const ON_DEFAULT_BRANCH = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH';

/**
 * `.gitlab-ci.yml`, written with projen's GitLab CI component: test, build once, then one deploy
 * job per environment in stage order, each after the one before it, holding that environment's
 * provisioning role, with the environment's name and the app's URL, one deployment at a time
 * (`resource_group`), a manual gate where the environment requires approval, and only on the
 * default branch.
 */
export function addGitlabPipeline(project: Project, plan: PipelinePlan): gitlab.GitlabConfiguration {
  const s = plan.settings;
  const tags = s.runnerTags.length > 0 ? s.runnerTags : undefined;
  const oidc = usesOidc(plan);
  // The ID token each AWS job exchanges for its role, for the audience the environments trust.
  const idTokens = { HARMONIX_ID_TOKEN: { aud: s.oidcAudience } };
  const variables: Record<string, string> = {};
  if (s.imageRepositoryUri) {
    variables[IMAGE_REPOSITORY_VARIABLE] = s.imageRepositoryUri;
  }
  if (s.buildRoleArn && plan.artifact.kind === 'image') {
    variables[BUILD_ROLE_VARIABLE] = s.buildRoleArn;
  }
  const config = new gitlab.GitlabConfiguration(project, {
    workflow: {
      // Branch pipelines, or merge request pipelines when a merge request is open (not both).
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: gitlab.WorkflowWhen.NEVER },
        { if: '$CI_COMMIT_BRANCH' },
      ],
    },
    stages: ['test', 'build', ...s.targets.map(deployJobName)],
    variables: Object.keys(variables).length > 0 ? variables : undefined,
  });
  config.addJobs({ test: { stage: 'test', image: { name: plan.test.image }, script: plan.test.commands, tags } });

  if (plan.artifact.kind === 'image') {
    config.addJobs({
      build: {
        stage: 'build',
        image: { name: BUILDAH_IMAGE },
        rules: [{ if: ON_DEFAULT_BRANCH }],
        idTokens: oidc ? idTokens : undefined,
        variables: {
          // Buildah without privileges: chroot isolation and the vfs storage driver.
          STORAGE_DRIVER: 'vfs',
          BUILDAH_ISOLATION: 'chroot',
          BUILDAH_FORMAT: 'docker',
          AWS_REGION: s.imageRepositoryUri ? regionOfRepository(s.imageRepositoryUri) : s.region,
        },
        script: [
          ...(oidc ? webIdentityCommands(BUILD_ROLE_VARIABLE) : []),
          'dnf install --assumeyes --quiet awscli2',
          `aws ecr get-login-password | buildah login --username AWS --password-stdin "\${${IMAGE_REPOSITORY_VARIABLE}%%/*}"`,
          `buildah build --tag "$${IMAGE_REPOSITORY_VARIABLE}:$CI_COMMIT_SHA" .`,
          `buildah push "$${IMAGE_REPOSITORY_VARIABLE}:$CI_COMMIT_SHA"`,
        ],
        tags,
      },
    });
  } else {
    config.addJobs({
      build: {
        stage: 'build',
        image: { name: plan.artifact.image },
        rules: [{ if: ON_DEFAULT_BRANCH }],
        script: plan.artifact.commands,
        artifacts: { paths: [`${plan.artifact.directory}/`], expireIn: '30 days' },
        tags,
      },
    });
  }

  let previous = 'build';
  for (const d of s.targets) {
    const name = deployJobName(d);
    config.addJobs({
      [name]: {
        stage: name,
        image: { name: NODE_IMAGE },
        // After the deployment before it (not its artifacts); a bundle comes from the build job.
        needs: previous === 'build'
          ? [{ job: 'build', artifacts: plan.artifact.kind === 'bundle' }]
          : [{ job: previous, artifacts: false }, ...(plan.artifact.kind === 'bundle' ? [{ job: 'build', artifacts: true }] : [])],
        environment: { name: d.name, url: '$HARMONIX_APP_URL', deploymentTier: tierOf(d.stage) },
        resourceGroup: d.name,
        rules: [{ if: ON_DEFAULT_BRANCH, when: d.requireApproval ? gitlab.JobWhen.MANUAL : gitlab.JobWhen.ON_SUCCESS }],
        allowFailure: d.requireApproval ? false : undefined,
        idTokens: oidc ? idTokens : undefined,
        variables: { AWS_REGION: d.region, HARMONIX_ENVIRONMENT: d.name, HARMONIX_ROLE_ARN: d.provisioningRoleArn },
        script: [
          ...(oidc ? webIdentityCommands('HARMONIX_ROLE_ARN') : instanceRoleCommands('HARMONIX_ROLE_ARN')),
          ...deployCommands(plan, d, 'CI_COMMIT_SHA'),
          `echo "HARMONIX_APP_URL=${APP_URL}" > deploy.env`,
        ],
        artifacts: { reports: { dotenv: ['deploy.env'] } },
        tags,
      },
    });
    previous = name;
  }
  return config;
}

/** GitLab's deployment tier from the environment's stage. */
function tierOf(stage: number): gitlab.DeploymentTier {
  return stage >= 3 ? gitlab.DeploymentTier.PRODUCTION : stage === 2 ? gitlab.DeploymentTier.STAGING : gitlab.DeploymentTier.DEVELOPMENT;
}

/**
 * With OIDC on GitLab: the job's ID token, written where the AWS SDKs and CLI read a web identity,
 * with the role `roleVariable` names (they call `AssumeRoleWithWebIdentity` themselves).
 */
function webIdentityCommands(roleVariable: string): string[] {
  return [
    'printf "%s" "$HARMONIX_ID_TOKEN" > "$CI_PROJECT_DIR/.web-identity-token"',
    `export AWS_WEB_IDENTITY_TOKEN_FILE="$CI_PROJECT_DIR/.web-identity-token" AWS_ROLE_ARN="$${roleVariable}" AWS_ROLE_SESSION_NAME="$CI_PROJECT_PATH_SLUG-$CI_PIPELINE_ID"`,
  ];
}

/** With the runner's instance role: a profile that assumes `roleVariable`'s role from the instance credentials. */
function instanceRoleCommands(roleVariable: string): string[] {
  return assumeRoleProfileCommands({ roleVariable, credentialSource: 'Ec2InstanceMetadata' });
}
