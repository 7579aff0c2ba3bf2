import { assumeRoleProfileCommands } from '../../common/aws-profile';
import { APP_URL, IMAGE_REPOSITORY_VARIABLE, OUTPUTS_FILE } from '../../common/deploy-outputs';

/** The folder of the build's output artifact: one cloud assembly per environment. */
export const ASSEMBLIES_DIR = 'harmonix-assemblies';
/** The name of that artifact; CodeBuild names its folder `$CODEBUILD_SRC_DIR_<name>` in a deploy action. */
export const ASSEMBLIES_ARTIFACT = 'Assemblies';
/** Variables the projects get from the pipeline and their own definition. */
export const VERSION_VARIABLE = 'HARMONIX_VERSION';
export const IMAGE_REPOSITORY_NAME_VARIABLE = 'HARMONIX_IMAGE_REPOSITORY_NAME';
export const IMAGE_DIGEST_VARIABLE = 'HARMONIX_IMAGE_DIGEST';
export const ROLE_VARIABLE = 'HARMONIX_ROLE_ARN';
export const EXTERNAL_ID_VARIABLE = 'HARMONIX_EXTERNAL_ID';
export const DESCRIPTOR_VARIABLE = 'HARMONIX_DESCRIPTOR';
export const EXECUTION_VARIABLE = 'HARMONIX_PIPELINE_EXECUTION';

/** What the build does. */
export interface BuildPlan {
  readonly commands: string[];
  readonly runtimeVersions: Record<string, string>;
  /** The image's Dockerfile and context; undefined for a bundle. */
  readonly image?: { readonly dockerfile: string; readonly context: string };
  /** The environments, in delivery order. */
  readonly environments: string[];
}

/**
 * The build's buildspec: the repository's own commands, then (for an image) the image built and
 * pushed once, tagged with the version, unless a retry finds it there already; then `infra/`
 * synthesized once per environment into a cloud assembly, with the image's digest.
 */
export function buildSpec(plan: BuildPlan): Record<string, unknown> {
  const image = plan.image;
  const imageCommands = image ? [
    // The tag is immutable: a retried execution finds its image and promotes that one.
    `if aws ecr describe-images --repository-name "$${IMAGE_REPOSITORY_NAME_VARIABLE}" --image-ids imageTag="$${VERSION_VARIABLE}" > /dev/null 2>&1; then`
      + ` echo "The image $${VERSION_VARIABLE} is in the repository already: it is not built again.";`
      + ' else'
      + ` aws ecr get-login-password | docker login --username AWS --password-stdin "\${${IMAGE_REPOSITORY_VARIABLE}%%/*}"`
      + ` && docker build --file ${shellWord(image.dockerfile)} --tag "$${IMAGE_REPOSITORY_VARIABLE}:$${VERSION_VARIABLE}" ${shellWord(image.context)}`
      + ` && docker push "$${IMAGE_REPOSITORY_VARIABLE}:$${VERSION_VARIABLE}";`
      + ' fi',
    `export ${IMAGE_DIGEST_VARIABLE}="$(aws ecr describe-images --repository-name "$${IMAGE_REPOSITORY_NAME_VARIABLE}" --image-ids imageTag="$${VERSION_VARIABLE}" --query 'imageDetails[0].imageDigest' --output text)"`,
    `echo "Every environment deploys $${IMAGE_REPOSITORY_VARIABLE}@$${IMAGE_DIGEST_VARIABLE}"`,
  ] : [];
  const context = image
    ? ` --context imageRepository="$${IMAGE_REPOSITORY_VARIABLE}" --context imageTag="$${IMAGE_DIGEST_VARIABLE}"`
    : '';
  return {
    ...bashSpec(plan.runtimeVersions, {
      build: {
        commands: [
          ...plan.commands,
          ...imageCommands,
          `rm -rf ${ASSEMBLIES_DIR}`,
          ...plan.environments.map(name =>
            `npx cdk synth --quiet --context environment=${name}${context} --output ${ASSEMBLIES_DIR}/${name}`),
        ],
      },
    }),
    artifacts: { 'base-directory': ASSEMBLIES_DIR, 'files': ['**/*'] },
  };
}

/** What one deployment does. */
export interface DeployPlan {
  readonly appName: string;
  readonly environmentName: string;
  readonly runtimeVersions: Record<string, string>;
  readonly externalId: boolean;
  /** Whether the environment has an audit writer (descriptors of schema 1.0 have none). */
  readonly audit: boolean;
  /** Path of the smoke check; empty for none. */
  readonly smokeCheckPath: string;
}

/**
 * One environment's deployment: the repository's tools installed (`npm ci`: the CDK CLI and the
 * `harmonix` command line are its dev dependencies), the environment's provisioning role assumed
 * through a profile, the audit record STARTED, the environment's cloud assembly deployed as the
 * build synthesized it, the smoke check, and the audit record of the result, failures included.
 */
export function deploySpec(plan: DeployPlan): Record<string, unknown> {
  const descriptorFile = '"$CODEBUILD_TMP_DIR/harmonix-descriptor.json"';
  const record = (result: string) =>
    `npx harmonix audit record --descriptor ${descriptorFile} --app ${plan.appName} --result ${result}`
    + ` --version "$${VERSION_VARIABLE}" --detail pipeline-execution="$${EXECUTION_VARIABLE}" --detail build="$CODEBUILD_BUILD_ID"`;
  const smoke = plan.smokeCheckPath === '' ? [] : [
    `HARMONIX_APP_URL="${APP_URL}"`,
    'if [ -n "$HARMONIX_APP_URL" ]; then'
      + ` curl --fail --silent --show-error --output /dev/null --max-time 10 --retry 6 --retry-delay 10 --retry-all-errors "\${HARMONIX_APP_URL%/}${plan.smokeCheckPath}"`
      + ` && echo "Smoke check passed: \${HARMONIX_APP_URL%/}${plan.smokeCheckPath}";`
      + ' else echo "The app has no AppUrl output: no smoke check."; fi',
  ];
  const prepare = [
    'npm ci',
    ...assumeRoleProfileCommands({
      roleVariable: ROLE_VARIABLE, credentialSource: 'EcsContainer', externalIdVariable: plan.externalId ? EXTERNAL_ID_VARIABLE : undefined,
    }),
  ];
  return bashSpec(plan.runtimeVersions, {
    pre_build: {
      commands: plan.audit
        ? [...prepare, `printf '%s' "$${DESCRIPTOR_VARIABLE}" > ${descriptorFile}`, record('STARTED')]
        : prepare,
    },
    build: {
      commands: [
        `npx cdk deploy --all --app "$CODEBUILD_SRC_DIR_${ASSEMBLIES_ARTIFACT}/${plan.environmentName}" --require-approval never --outputs-file ${OUTPUTS_FILE}`,
        ...smoke,
      ],
    },
    ...(plan.audit ? {
      post_build: {
        // After the build phase, failed or not: the record says which.
        commands: [record('"$([ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ] && echo SUCCEEDED || echo FAILED)"')],
      },
    } : {}),
  });
}

/** A buildspec (version 0.2) whose phases run in one bash, after installing the runtimes. */
function bashSpec(runtimeVersions: Record<string, string>, phases: Record<string, unknown>): Record<string, unknown> {
  return { version: '0.2', env: { shell: 'bash' }, phases: { install: { 'runtime-versions': runtimeVersions }, ...phases } };
}

/** A word for the shell: kept as it is when safe, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
