import { CiCredentials } from './blueprint-options';
import { BlueprintSettings } from './blueprint-settings';
import { DeployTarget } from './environments';
import { APP_URL, IMAGE_REPOSITORY_VARIABLE, OUTPUTS_FILE } from '../common/deploy-outputs';

/** Node.js image of the deploy jobs (projen and the CDK CLI), and of Node apps' test and build jobs. */
export const NODE_IMAGE = 'public.ecr.aws/docker/library/node:22-bookworm-slim';
/** Buildah builds and pushes images in an ordinary job container: no Docker daemon, no Docker-in-Docker. */
export const BUILDAH_IMAGE = 'quay.io/buildah/stable:v1.41';
/** CI variables the pipeline reads when no option names the value. */
export const BUILD_ROLE_VARIABLE = 'HARMONIX_BUILD_ROLE_ARN';
export { APP_URL, IMAGE_REPOSITORY_VARIABLE, OUTPUTS_FILE };

/** A container image, built from the Dockerfile once and pushed to the app's ECR repository. */
export interface ImageArtifact {
  readonly kind: 'image';
}

/** A bundle of files (Lambda code), built once and handed to every deploy job. */
export interface BundleArtifact {
  readonly kind: 'bundle';
  readonly image: string;
  readonly commands: string[];
  /** The directory the commands fill, handed to the deploy jobs as it is. */
  readonly directory: string;
}

/** What a blueprint's pipeline does, whatever the Git host. */
export interface PipelinePlan {
  readonly settings: BlueprintSettings;
  /** The test job: the app's own toolchain, in its image. */
  readonly test: { readonly image: string; readonly commands: string[] };
  readonly artifact: ImageArtifact | BundleArtifact;
}

/** The job name of the deployment to one environment. */
export function deployJobName(target: DeployTarget): string {
  return `deploy-${target.name}`;
}

/**
 * The commands that deploy the app's `infra/` into one environment (the job holds its
 * provisioning role's credentials): the image of this commit, or the bundle the build job made.
 * `shaVariable` is the Git host's variable holding the commit.
 */
export function deployCommands(plan: PipelinePlan, target: DeployTarget, shaVariable: string): string[] {
  const context = [`--context environment=${target.name}`];
  if (plan.artifact.kind === 'image') {
    context.push(`--context imageRepository="$${IMAGE_REPOSITORY_VARIABLE}"`, `--context imageTag="$${shaVariable}"`);
  }
  return ['npm ci', `npx cdk deploy ${context.join(' ')} --require-approval never --outputs-file ${OUTPUTS_FILE}`];
}


/** Whether jobs exchange OIDC tokens for roles. */
export function usesOidc(plan: PipelinePlan): boolean {
  return plan.settings.credentials === CiCredentials.OIDC;
}
