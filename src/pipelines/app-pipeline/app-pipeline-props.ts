import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IHarmonixEnvironment } from '../../contract/environment';

/** Options of a source that is a Git repository reached through an AWS CodeConnections connection. */
export interface ConnectionSourceOptions {
  /**
   * ARN of the connection (`arn:aws:codeconnections:...:connection/...`, or the older
   * `codestar-connections` form) to GitLab, a self-managed GitLab (through its host) or GitHub.
   * A connection created by CloudFormation stays PENDING until someone completes the handshake
   * once in the console (Developer Tools, Settings, Connections, "Update pending connection").
   */
  readonly connectionArn: string;
  /**
   * The repository's full path on the Git host: `owner/repo` on GitHub, `group/subgroup/project`
   * on GitLab.
   */
  readonly repository: string;
  /**
   * The branch whose pushes start the pipeline and whose head it builds.
   * @default "main"
   */
  readonly branch?: string;
  /**
   * Glob patterns of files a push must touch to start the pipeline (at most 8, each at most 255
   * characters), for example `["src/**", "infra/**", "Dockerfile"]`.
   * @default - every push to the branch starts it
   */
  readonly includePaths?: string[];
  /**
   * Glob patterns of files whose changes alone do not start the pipeline (at most 8, each at most
   * 255 characters); they win over `includePaths`, for example `["docs/**", "*.md"]`.
   * @default - no file is excluded
   */
  readonly excludePaths?: string[];
}

/** Options of a source that is one object (a zip of the repository) in a versioned S3 bucket. */
export interface S3SourceOptions {
  /**
   * The bucket: versioned, with Amazon EventBridge notifications turned on
   * (`eventBridgeEnabled: true`) so that a new version of the object starts the pipeline.
   */
  readonly bucket: s3.IBucket;
  /** Key of the zip file, for example `orders/source.zip`. */
  readonly objectKey: string;
}

/** Where the pipeline takes the app's repository from. */
export class PipelineSource {
  /**
   * A Git repository through an AWS CodeConnections connection (GitLab, GitLab self-managed,
   * GitHub): pushes to the branch start the pipeline (a CodePipeline V2 trigger, with file path
   * filters when given), and the commit is the version everything is built and recorded as.
   */
  public static connection(options: ConnectionSourceOptions): PipelineSource {
    return new PipelineSource('connection', options, undefined);
  }

  /**
   * A zip of the repository in S3: a new version of the object starts the pipeline (through an
   * EventBridge rule), and the pipeline execution id is the version.
   */
  public static s3(options: S3SourceOptions): PipelineSource {
    return new PipelineSource('s3', undefined, options);
  }

  /** `connection` or `s3`. */
  public readonly kind: string;
  /** Options of `connection`. */
  public readonly connectionOptions?: ConnectionSourceOptions;
  /** Options of `s3`. */
  public readonly s3Options?: S3SourceOptions;

  private constructor(kind: string, connectionOptions: ConnectionSourceOptions | undefined, s3Options: S3SourceOptions | undefined) {
    this.kind = kind;
    this.connectionOptions = connectionOptions;
    this.s3Options = s3Options;
  }
}

/** What the build runs, whatever it makes. */
export interface AppBuildOptions {
  /**
   * The commands that install, test and build the repository, in its root, run once per pipeline
   * execution. A failing command fails the build and nothing is deployed.
   * @default ["npm ci", "npx projen build"] (what repositories of the harmonix blueprints run)
   */
  readonly commands?: string[];
  /**
   * CodeBuild's `runtime-versions` of the install phase (the image's runtimes), for example
   * `{ nodejs: "22", python: "3.12" }` for a Python app, `{ nodejs: "22", java: "corretto21" }`
   * for a Java app. Node.js is needed in any case: `infra/` is a CDK app in TypeScript.
   * @default { nodejs: "22" }
   */
  readonly runtimeVersions?: { [runtime: string]: string };
  /**
   * Compute of the build (the deploy actions use the smallest).
   * @default codebuild.ComputeType.SMALL
   */
  readonly computeType?: codebuild.ComputeType;
  /**
   * The build image, ARM64 by default (Graviton: the image it builds runs on ARM64 Fargate).
   * @default codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0
   */
  readonly buildImage?: codebuild.IBuildImage;
  /**
   * How long the build may run.
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/** Options of a container image build. */
export interface ContainerImageBuildOptions extends AppBuildOptions {
  /**
   * The Dockerfile, relative to the repository root.
   * @default "Dockerfile"
   */
  readonly dockerfile?: string;
  /**
   * The build context, relative to the repository root.
   * @default "."
   */
  readonly buildContext?: string;
}

/** What the pipeline builds once and deploys to every environment. */
export class AppBuild {
  /**
   * A container image, built from the Dockerfile and pushed to the pipeline's ECR repository,
   * tagged with the version; every environment deploys it by its digest. Deploys to ECS
   * environments, through `infra/` with `--context imageRepository=<uri> --context imageTag=<digest>`.
   */
  public static containerImage(options: ContainerImageBuildOptions = {}): AppBuild {
    return new AppBuild('image', options);
  }

  /**
   * A bundle of files (Lambda code) that the build commands write and `infra/` packs as assets
   * of each environment's cloud assembly: every environment deploys those same files. Deploys to
   * serverless environments.
   */
  public static bundle(options: AppBuildOptions = {}): AppBuild {
    return new AppBuild('bundle', options);
  }

  /** `image` or `bundle`. */
  public readonly kind: string;
  /** The options. */
  public readonly options: ContainerImageBuildOptions;

  private constructor(kind: string, options: ContainerImageBuildOptions) {
    this.kind = kind;
    this.options = options;
  }
}

/** Properties of `AppPipeline`. */
export interface AppPipelineProps {
  /** The app's name (as its stacks and `.harmonix/app.json` name it): 1 to 40 lower-case letters, digits and single hyphens. */
  readonly appName: string;
  /** Where the repository comes from. */
  readonly source: PipelineSource;
  /** What the build makes once: a container image or a bundle. */
  readonly appBuild: AppBuild;
  /**
   * The environments to deploy to, owned or imported from their descriptors
   * (`HarmonixEnvironment.fromDescriptorJson`). They deploy in the order of their descriptors'
   * `stage` (then name), each after the one before; one whose descriptor says
   * `requireApproval` waits for a manual approval. Each needs its descriptor in the repository
   * at `.harmonix/environments/<name>.json`, which `infra/` reads.
   */
  readonly environments: IHarmonixEnvironment[];
  /**
   * The `sts:ExternalId` the environments' provisioning roles require (their `externalId`).
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Path the smoke check requests on the app's URL after each deployment (the `AppUrl` output of
   * `infra/`); the deployment fails when it does not answer with a success within about a
   * minute. An empty string turns the check off.
   * @default "/health"
   */
  readonly smokeCheckPath?: string;
  /**
   * Whether the image repository and its images are kept when the stack is deleted.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Images the repository keeps (the oldest beyond it expire); deployed images must stay
   * within it to be redeployed.
   * @default 100
   */
  readonly maxImageCount?: number;
  /**
   * Days build artifacts (cloud assemblies) stay in the artifact bucket.
   * @default 30
   */
  readonly artifactRetentionDays?: number;
}
