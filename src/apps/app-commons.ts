import { Aspects, CfnOutput, CfnResource, IAspect, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { BindOptions, IApplication, IAppResource } from './application';
import { createLogBucket, deliverAccessLogsByBucketPolicy } from '../common/buckets';
import { propError } from '../common/errors';
import { appBucketName, appRolePath, appUrlParameterName } from '../common/naming';
import { APP_TAG, ENVIRONMENT_TAG } from '../common/tags';
import { inAnotherAccountOrRegion, validateAppName, validateImageReference, validateVariableName } from '../common/validation';
import { EnvironmentKind, IHarmonixEnvironment } from '../contract/environment';

/** How a data store of an app goes with its stack: the environment's data policy. */
export function appDataRemovalPolicy(env: IHarmonixEnvironment): RemovalPolicy {
  return env.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/**
 * Checks what every app construct checks: the app name, the environment's kind, and that the
 * app's stack is in the environment's account and region (deployments go through the
 * environment's bootstrap, in its account).
 */
export function checkAppPlacement(
  scope: Construct, appName: string, env: IHarmonixEnvironment, kind: EnvironmentKind, runtimePresent: boolean,
): void {
  validateAppName(scope, 'appName', appName);
  if (env.kind !== kind || !runtimePresent) {
    throw propError(scope, 'environment',
      `environment ${env.environmentName} is a ${env.kind} environment; ${scope.constructor.name} deploys into ${kind} environments only.`);
  }
  const stack = Stack.of(scope);
  if (inAnotherAccountOrRegion(scope, env.account, env.region)) {
    throw propError(scope, 'environment',
      `environment ${env.environmentName} is in account ${env.account}, region ${env.region}; deploy the app from a stack there (this one is ${stack.account}, ${stack.region}).`);
  }
}

/** Tags every resource of the app with the app and the environment. */
export function tagApp(scope: IConstruct, appName: string, env: IHarmonixEnvironment): void {
  Tags.of(scope).add(APP_TAG, appName);
  Tags.of(scope).add(ENVIRONMENT_TAG, env.environmentName);
}

/** The environment each app stack deploys into. */
const stackEnvironments = new WeakMap<Stack, string>();

/**
 * What an app stack must be to deploy through the environment's scoped bootstrap: in one
 * environment only, tagged with it as a stack (CloudFormation then tags every resource it
 * creates, which the execution policy's tag conditions check), and every role in it under the
 * environment's role path with the environment's permissions boundary. Runs once per stack.
 */
export function prepareAppStack(scope: IConstruct, env: IHarmonixEnvironment): void {
  const stack = Stack.of(scope);
  const known = stackEnvironments.get(stack);
  if (known !== undefined) {
    if (known !== env.environmentName) {
      throw propError(scope, 'environment', `stack ${stack.node.path} deploys into environment ${known} already; an app stack deploys into one environment (through its bootstrap), so put the apps of ${env.environmentName} in a stack of their own.`);
    }
    return;
  }
  stackEnvironments.set(stack, env.environmentName);
  const owned = env.node.findAll().some(c => CfnResource.isCfnResource(c));
  if (owned && Stack.of(env) === stack) {
    // Apps in the environment's own stack deploy with it, by its administrator: no boundary
    // may reach the environment's own roles.
    return;
  }
  stack.tags.setTag(ENVIRONMENT_TAG, env.environmentName);
  if (env.appBoundary) {
    iam.PermissionsBoundary.of(stack).apply(env.appBoundary);
    Aspects.of(stack).add(new RolePath(appRolePath(env.environmentName)));
  }
}

/** Puts every role of a stack under a path, unless it has one. */
class RolePath implements IAspect {
  constructor(private readonly path: string) {}

  public visit(node: IConstruct): void {
    if (node instanceof iam.CfnRole) {
      node.path = node.path ?? this.path;
    } else if (CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::IAM::Role') {
      // Roles of aws-cdk-lib's custom resource providers are plain CfnResources.
      node.addPropertyOverride('Path', this.path);
    }
  }
}

/**
 * The environment key as the app's stack sees it: a reference by ARN, one per stack. Grants
 * then go to the app's own roles (the key policy lets the account's IAM policies decide), and
 * never into the key policy of an environment that lives in another stack or account.
 */
export function environmentKey(scope: IConstruct, env: IHarmonixEnvironment): kms.IKey {
  const stack = Stack.of(scope);
  const id = `HarmonixEnvironmentKey-${env.environmentName}`;
  return (stack.node.tryFindChild(id) as kms.IKey | undefined) ?? kms.Key.fromKeyArn(stack, id, env.kmsKey.keyArn);
}

/** The app's log group: `<logGroupPrefix><app><suffix>`, encrypted with the environment key. */
export function createAppLogGroup(
  scope: Construct, id: string, env: IHarmonixEnvironment, name: string, retention: logs.RetentionDays,
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: `${env.logGroupPrefix}${name}`,
    encryptionKey: environmentKey(scope, env),
    retention,
    removalPolicy: appDataRemovalPolicy(env),
  });
}

/** Publishes the app's URL as a stack output and at `/harmonix/apps/<app>/<environment>/url`. */
export function publishAppUrl(scope: Construct, appName: string, env: IHarmonixEnvironment, url: string): ssm.StringParameter {
  new CfnOutput(scope, 'Url', { value: url, description: `URL of app ${appName} in environment ${env.environmentName}` });
  return new ssm.StringParameter(scope, 'UrlParameter', {
    parameterName: appUrlParameterName(appName, env.environmentName),
    stringValue: url,
    description: `harmonix-cdk: URL of app ${appName} in environment ${env.environmentName}`,
  });
}

/** The bindings of one app: each resource once, each variable name once. */
export class AppBindings {
  private readonly resources = new Set<IAppResource>();
  private readonly variables = new Map<string, string>();

  constructor(private readonly app: IApplication) {}

  /** Checks and performs one binding. */
  public bind(resource: IAppResource, options: BindOptions = {}): void {
    const where = `bind(${resource.node.path})`;
    if (this.resources.has(resource)) {
      throw propError(this.app, where, `${resource.node.path} is bound to app ${this.app.appName} already; bind a resource once (choose its access level then).`);
    }
    if (resource.environment.environmentName !== this.app.environment.environmentName) {
      throw propError(this.app, where, `${resource.node.path} belongs to environment ${resource.environment.environmentName}, and app ${this.app.appName} runs in ${this.app.environment.environmentName}; bind data of the app's own environment.`);
    }
    const prefix = validateVariableName(this.app, `${where}.prefix`, options.prefix ?? resource.bindingName);
    this.resources.add(resource);
    resource.bindToApp(this.app, options.access ?? resource.defaultAccess, prefix);
  }

  /** Records a variable name handed to the app; a second use of the name is refused. */
  public claimVariable(name: string, what: string): void {
    validateVariableName(this.app, 'environment variable', name);
    const previous = this.variables.get(name);
    if (previous !== undefined) {
      throw propError(this.app, 'environment variable', `${name} is set already (by ${previous}); give the binding another \`prefix\`.`);
    }
    this.variables.set(name, what);
  }
}

/**
 * Hands a secret to an app that reads it at run time (a function, a pod): `<name>_SECRET_ARN`
 * (and `<name>_SECRET_FIELD` for one JSON field) as variables, and read access for the app.
 */
export function handSecretReference(app: IApplication, name: string, secret: secretsmanager.ISecret, field?: string): void {
  app.addEnvironment(`${name}_SECRET_ARN`, secret.secretArn);
  if (field !== undefined) {
    app.addEnvironment(`${name}_SECRET_FIELD`, field);
  }
  secret.grantRead(app);
}

/** The image a container app is given: either its own reference, or a repository and a tag. */
export interface ImageChoice {
  readonly image?: unknown;
  readonly repository?: ecr.IRepository;
  readonly imageTag?: string;
}

/**
 * Checks that a container app is given exactly one image: `image` (described by `imageIs`), or
 * `repository` at an immutable `imageTag`. Returns the checked tag for a repository, undefined
 * for an `image`.
 */
export function checkImageChoice(scope: IConstruct, props: ImageChoice, imageIs: string): string | undefined {
  if (props.image !== undefined && props.repository) {
    throw propError(scope, 'image', 'and `repository` are both given; give one of them.');
  }
  if (props.image !== undefined) {
    if (props.imageTag !== undefined) {
      throw propError(scope, 'imageTag', 'goes with `repository`; an `image` carries its own tag or digest.');
    }
    return undefined;
  }
  if (!props.repository) {
    throw propError(scope, 'image', `is required: give \`image\` (${imageIs}), or \`repository\` and \`imageTag\`.`);
  }
  if (!props.imageTag) {
    throw propError(scope, 'imageTag', 'is required with `repository`: use an immutable tag such as the commit the pipeline built.');
  }
  return validateImageReference(scope, 'imageTag', props.imageTag);
}

/** Days access logs of apps are kept. */
const ACCESS_LOG_DAYS = 90;

/**
 * The bucket that receives the access logs of the apps and buckets of one stack (load balancer
 * access logs, S3 server access logs): one per stack, created by its first user.
 */
export function appAccessLogBucket(scope: IConstruct, env: IHarmonixEnvironment): s3.IBucket {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('HarmonixAppAccessLogs');
  if (existing) return existing.node.findChild('Bucket') as s3.Bucket;
  // The log bucket takes deliveries by its policy: the choice is the destination's to make.
  const container = new Construct(stack, 'HarmonixAppAccessLogs');
  deliverAccessLogsByBucketPolicy(container);
  return createLogBucket(container, 'Bucket', {
    receives: 'load balancer and S3 server access logs of the apps in this stack',
    expirationDays: ACCESS_LOG_DAYS,
    removalPolicy: appDataRemovalPolicy(env),
    bucketName: uniqueAppBucketName(container, env),
  });
}

/**
 * The name of an app bucket, unique per account, region, stack and construct: the execution
 * policy lets CloudFormation manage exactly the buckets so named.
 */
export function uniqueAppBucketName(scope: IConstruct, env: IHarmonixEnvironment): string {
  const stack = Stack.of(scope);
  const where = [stack.account, stack.region].map(v => (Token.isUnresolved(v) ? '' : v));
  return appBucketName(env.environmentName, [...where, stack.stackName, scope.node.path].join('/'));
}

/** The default binding name of a resource: its construct id in upper snake case (`OrdersDb` gives `ORDERS_DB`). */
export function bindingNameOf(scope: IConstruct, given: string | undefined): string {
  const name = given ?? scope.node.id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return validateVariableName(scope, 'bindingName', name);
}
