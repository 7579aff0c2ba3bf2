import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ciTrusts, GitlabCiTrust, webIdentityPrincipal } from '../../common/ci-trust';
import { allowEcrSignIn, createImageRepository, ECR_PUSH_ACTIONS } from '../../common/image-repository';
import { appParameterName } from '../../common/naming';
import { checkIamName } from '../../common/validation';
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
  /**
   * The GitLab CI jobs that build the app's image with their ID token (the blueprints' default,
   * `CiCredentials.OIDC`): a build role `harmonix-<app>-build` trusts them, on the named projects
   * and refs only, and may push to the app's repository and nothing else; `/build-role-arn` names
   * it. Give the provider's ARN when the account has GitLab's OIDC provider already.
   * @default - no build role: jobs push as the runner role (the instance's credentials), which
   *   `/build-role-arn` names
   */
  readonly gitlabCiTrust?: GitlabCiTrust;
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
  /** The role the build job pushes as: the app's OIDC build role (`gitlabCiTrust`), or the runner role. */
  public readonly buildRole: iam.IRole;

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
    this.buildRole = props.gitlabCiTrust === undefined ? props.buildRole : this.createBuildRole(props.appName, props.gitlabCiTrust);
    this.imageRepositoryParameter = new ssm.StringParameter(this, 'ImageRepository', {
      parameterName: appParameterName(props.appName, 'image-repository'),
      stringValue: this.repository.repositoryUri,
      description: `The image repository of ${props.appName} (the CI variable HARMONIX_IMAGE_REPOSITORY)`,
    });
    this.buildRoleArnParameter = new ssm.StringParameter(this, 'BuildRoleArn', {
      parameterName: appParameterName(props.appName, 'build-role-arn'),
      stringValue: this.buildRole.roleArn,
      description: `The role the build job of ${props.appName} pushes its image as (the CI variable HARMONIX_BUILD_ROLE_ARN)`,
    });
  }

  /** A role the app's GitLab jobs assume with their ID token, which may push to the app's repository only. */
  private createBuildRole(appName: string, trust: GitlabCiTrust): iam.Role {
    const [gitlab] = ciTrusts(this, trust, undefined);
    const roleName = checkIamName(this, 'appName', `harmonix-${appName}-build`, 64);
    const role = new iam.Role(this, 'BuildRole', {
      roleName,
      assumedBy: webIdentityPrincipal(gitlab),
      maxSessionDuration: Duration.hours(1),
      description: `Assumed by the GitLab CI jobs of ${appName} with their ID token, to push its image to ${appName}'s repository`,
    });
    allowEcrSignIn(this, role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PushImages', actions: ECR_PUSH_ACTIONS, resources: [this.repository.repositoryArn] }));
    return role;
  }
}
