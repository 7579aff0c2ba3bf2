import { gitlab, Project } from 'projen';
import { CiCredentials } from './blueprint-options';
import { DeployTarget } from './environments';

/** What the pipeline of a generated repository does, by blueprint. */
export interface PipelineSettings {
  readonly appName: string;
  readonly targets: DeployTarget[];
  readonly credentials: CiCredentials;
  readonly runnerTags: string[];
  /** Image of the test and deploy jobs. */
  readonly toolImage: string;
  /** Commands of the test job. */
  readonly testScript: string[];
  /** The build job: its image and commands; it publishes what every deploy job deploys. */
  readonly build: { readonly image: string; readonly script: string[]; readonly entrypoint?: string[] };
  /** Commands that deploy to one environment, after the job holds its provisioning role's credentials. */
  readonly deployScript: (target: DeployTarget) => string[];
}

/** Only the default branch builds and deploys; merge requests and other branches test. */
const ON_DEFAULT_BRANCH = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH';

/** The job name of the deployment to one environment. */
export function deployJobName(target: DeployTarget): string {
  return `deploy-${target.descriptor.name}`;
}

/**
 * `.gitlab-ci.yml`, written with projen's GitLab CI component: test, build once, then one
 * deploy job per environment in stage order, each after the one before it, holding that
 * environment's provisioning role, with the environment's name, one deployment at a time
 * (`resource_group`), a manual gate where the environment requires approval, and only on the
 * default branch.
 */
export function addGitlabPipeline(project: Project, s: PipelineSettings): gitlab.GitlabConfiguration {
  const tags = s.runnerTags.length > 0 ? s.runnerTags : undefined;
  const stages = ['test', 'build', ...s.targets.map(t => deployJobName(t))];
  const config = new gitlab.GitlabConfiguration(project, {
    workflow: {
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: gitlab.WorkflowWhen.NEVER },
        { if: '$CI_COMMIT_BRANCH' },
      ],
    },
    stages,
  });
  config.addJobs({
    test: { stage: 'test', image: { name: s.toolImage }, script: s.testScript, tags },
    build: {
      stage: 'build',
      image: { name: s.build.image, entrypoint: s.build.entrypoint },
      script: s.build.script,
      rules: [{ if: ON_DEFAULT_BRANCH }],
      tags,
    },
  });
  let previous = 'build';
  for (const target of s.targets) {
    const d = target.descriptor;
    const name = deployJobName(target);
    const oidc = s.credentials === CiCredentials.OIDC;
    config.addJobs({
      [name]: {
        stage: name,
        image: { name: s.toolImage },
        needs: [previous],
        environment: { name: d.name, deploymentTier: tierOf(d.stage) },
        resourceGroup: d.name,
        rules: [{ if: ON_DEFAULT_BRANCH, when: d.requireApproval ? gitlab.JobWhen.MANUAL : gitlab.JobWhen.ON_SUCCESS }],
        idTokens: oidc ? { HARMONIX_ID_TOKEN: { aud: 'sts.amazonaws.com' } } : undefined,
        variables: {
          AWS_REGION: d.region,
          HARMONIX_ENVIRONMENT: d.name,
          HARMONIX_ROLE_ARN: d.provisioningRoleArn,
        },
        script: [...credentialsScript(s.credentials), ...s.deployScript(target)],
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
 * Commands that give the job the provisioning role's credentials: with OIDC, the job's ID token
 * is handed to the AWS SDK's web identity provider; with the instance role, a profile assumes
 * the role from the runner's instance credentials.
 */
function credentialsScript(credentials: CiCredentials): string[] {
  if (credentials === CiCredentials.OIDC) {
    return [
      'printf "%s" "$HARMONIX_ID_TOKEN" > "$CI_PROJECT_DIR/.web-identity-token"',
      'export AWS_WEB_IDENTITY_TOKEN_FILE="$CI_PROJECT_DIR/.web-identity-token" AWS_ROLE_ARN="$HARMONIX_ROLE_ARN" AWS_ROLE_SESSION_NAME="$CI_PROJECT_PATH_SLUG-$CI_PIPELINE_ID"',
    ];
  }
  return [
    'mkdir -p ~/.aws',
    'printf "[profile harmonix]\\nrole_arn = %s\\ncredential_source = Ec2InstanceMetadata\\n" "$HARMONIX_ROLE_ARN" > ~/.aws/config',
    'export AWS_PROFILE=harmonix',
  ];
}
