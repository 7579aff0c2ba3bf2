import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { createImageRepository } from '../../common/image-repository';
import { appParameterName } from '../../common/naming';
import { IHarmonixEnvironment } from '../../contract/environment';

/** An app whose pipeline runs on a `GitlabRunner` fleet (`GitlabRunner.registerApp`). */
export interface RunnerAppOptions {
  /** The app's name (1 to 40 lower-case letters, digits and single hyphens): its repository's and its parameters' name. */
  readonly appName: string;
  /**
   * The environments the app runs in: their accounts may pull its images.
   * @default - none: only the platform account pulls
   */
  readonly environments?: IHarmonixEnvironment[];
  /**
   * Images the repository keeps (the oldest beyond it expire).
   * @default 100
   */
  readonly maxImageCount?: number;
}

/** What `RunnerApp` needs from its runner fleet. */
export interface RunnerAppProps extends RunnerAppOptions {
  readonly key: kms.IKey;
  readonly buildRole: iam.IRole;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An app registered with a runner fleet: its image repository and the SSM parameters that
 * `harmonix create-app` and the blueprints' CI variables read,
 * `/harmonix/apps/<app>/image-repository` (the repository's URI) and
 * `/harmonix/apps/<app>/build-role-arn` (the role the build job pushes as).
 */
export class RunnerApp extends Construct {
  /** The app's name. */
  public readonly appName: string;
  /** Its image repository: immutable tags, scanned on push, encrypted with the runner's key. */
  public readonly repository: ecr.Repository;
  /** `/harmonix/apps/<app>/image-repository`. */
  public readonly imageRepositoryParameter: ssm.StringParameter;
  /** `/harmonix/apps/<app>/build-role-arn`. */
  public readonly buildRoleArnParameter: ssm.StringParameter;

  /** Made by `GitlabRunner.registerApp`, which also lets the runner's jobs push to the repository. */
  constructor(scope: Construct, id: string, props: RunnerAppProps) {
    super(scope, id);
    this.appName = props.appName;
    this.repository = createImageRepository(this, 'Repository', {
      repositoryName: props.appName,
      key: props.key,
      maxImageCount: props.maxImageCount,
      removalPolicy: props.removalPolicy,
      pullAccounts: (props.environments ?? []).map(e => e.account),
    });
    this.imageRepositoryParameter = new ssm.StringParameter(this, 'ImageRepository', {
      parameterName: appParameterName(props.appName, 'image-repository'),
      stringValue: this.repository.repositoryUri,
      description: `The image repository of ${props.appName} (the CI variable HARMONIX_IMAGE_REPOSITORY)`,
    });
    this.buildRoleArnParameter = new ssm.StringParameter(this, 'BuildRoleArn', {
      parameterName: appParameterName(props.appName, 'build-role-arn'),
      stringValue: props.buildRole.roleArn,
      description: `The role the build job of ${props.appName} pushes its image as (the CI variable HARMONIX_BUILD_ROLE_ARN)`,
    });
  }
}
