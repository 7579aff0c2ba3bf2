import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { IHarmonixEnvironment } from '../contract/environment';

/** How much of a bound resource an app may use. */
export enum AccessLevel {
  /** Read only: get objects, consume messages, read a secret. */
  READ = 'READ',
  /** Read and write: also put and delete objects, send messages, connect to a database. */
  READ_WRITE = 'READ_WRITE',
}

/** How a resource is bound to an app. */
export interface BindOptions {
  /**
   * What the app may do with the resource.
   * @default - the resource's default: `READ` for an `AppSecret`, `READ_WRITE` for the others
   */
  readonly access?: AccessLevel;
  /**
   * Prefix of the environment variables that carry the connection details (`<PREFIX>_HOST`, ...).
   * @default - the resource's `bindingName`
   */
  readonly prefix?: string;
}

/**
 * A deployed application in a Harmonix environment (`EcsApplication`, `ServerlessApplication`):
 * what a bindable resource needs to grant it access, open its network path and hand it the
 * connection details.
 */
export interface IApplication extends IConstruct, iam.IGrantable {
  /** The app name (a DNS label). */
  readonly appName: string;
  /** The environment the app runs in. */
  readonly environment: IHarmonixEnvironment;
  /** The app's URL (deploy-time value). */
  readonly url: string;
  /**
   * The app's network connections, to open paths to databases.
   * @default - the app does not run in the environment's VPC
   */
  readonly connections?: ec2.Connections;

  /** Hands a plain value to the app as an environment variable. */
  addEnvironment(name: string, value: string): void;

  /**
   * Hands a Secrets Manager secret (or one JSON field of it) to the app and lets it read that
   * secret. An ECS container gets the value itself in `name`; a Lambda function gets
   * `<name>_SECRET_ARN` (and `<name>_SECRET_FIELD` for a field) and reads the value at run time,
   * so that no secret value sits in its configuration.
   */
  addSecret(name: string, secret: secretsmanager.ISecret, field?: string): void;

  /**
   * Binds a resource: grants exactly what the access level needs, opens the network path and
   * hands over the connection details. A resource is bound to an app once.
   */
  bind(resource: IAppResource, options?: BindOptions): void;
}

/**
 * Data an app binds (`AppDatabase`, `AppBucket`, `AppSecret`, `AppQueue`): created in the app's
 * stack, encrypted with the environment key, kept or deleted by the environment's data policy.
 */
export interface IAppResource extends IConstruct {
  /** The environment whose key encrypts it; only apps of that environment may bind it. */
  readonly environment: IHarmonixEnvironment;
  /** Default prefix of the environment variables that carry its connection details. */
  readonly bindingName: string;
  /** Access level of a binding that does not choose one. */
  readonly defaultAccess: AccessLevel;

  /**
   * Grants `app` the access, opens the network path and hands over the connection details, with
   * variable names under `prefix`. Called by `IApplication.bind`, which checks the options.
   */
  bindToApp(app: IApplication, access: AccessLevel, prefix: string): void;
}
