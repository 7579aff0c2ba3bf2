/**
 * What the pipelines that deploy an app share, whichever runs them (the blueprints' GitLab and
 * GitHub jobs, AppPipeline's deployments): where `cdk deploy` writes the app stack's outputs, how
 * a shell reads the app's URL from them, and the variable that names the image repository.
 */

/** The file `cdk deploy --outputs-file` writes. */
export const OUTPUTS_FILE = 'cdk-outputs.json';

/** A shell expression printing the deployed app's URL (the `AppUrl` output of `infra/`), or nothing when there is none. */
export const APP_URL = `$(node -p "Object.values(require('./${OUTPUTS_FILE}'))[0].AppUrl || ''")`;

/** The variable that names the app's image repository (its URI). */
export const IMAGE_REPOSITORY_VARIABLE = 'HARMONIX_IMAGE_REPOSITORY';
