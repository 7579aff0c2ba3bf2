import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { propError } from '../../common/errors';
import { acceptFindings } from '../../common/nag';
import { createServerlessPostgres, POSTGRES_PORT } from '../../common/serverless-postgres';
import { validateAuroraCapacity, validateIntegerRange } from '../../common/validation';
import { IHarmonixEnvironment } from '../../contract/environment';
import { bindingNameOf, environmentKey, prepareAppStack } from '../app-commons';
import { AccessLevel, IApplication, IAppResource } from '../application';

/** Properties of an `AppDatabase`. */
export interface AppDatabaseProps {
  /** The environment whose VPC holds the database, whose key encrypts it and whose data policy keeps it. */
  readonly environment: IHarmonixEnvironment;
  /**
   * Prefix of the variables a binding hands over (`<NAME>_HOST`, ...).
   * @default - the construct id in upper snake case
   */
  readonly bindingName?: string;
  /**
   * Name of the database created in the cluster.
   * @default "app"
   */
  readonly databaseName?: string;
  /**
   * Aurora PostgreSQL version.
   * @default rds.AuroraPostgresEngineVersion.VER_17_7
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Fewest Aurora capacity units; 0 lets the database pause when idle.
   * @default 0
   */
  readonly minCapacity?: number;
  /**
   * Most Aurora capacity units.
   * @default 2
   */
  readonly maxCapacity?: number;
  /**
   * Days automated backups are kept (7 or more).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Retention of the PostgreSQL log, exported to CloudWatch Logs (`/aws/rds/cluster/<cluster>/postgresql`)
   * under the environment key.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The administrator user of the cluster, whose generated password is in Secrets Manager. */
const ADMIN_USER = 'harmonix_admin';

/**
 * An Aurora PostgreSQL Serverless v2 database of an app, in the environment's VPC (isolated
 * subnets where it has them): it pauses when idle (minimum capacity 0), is encrypted with the
 * environment key, uses IAM authentication, keeps its generated administrator credentials in
 * Secrets Manager, exports its PostgreSQL log to CloudWatch Logs (under the environment key),
 * and is kept (with deletion protection) or deleted by the environment's data policy.
 *
 * Binding it opens the database port from the app only and hands over `<NAME>_HOST`,
 * `<NAME>_PORT`, `<NAME>_NAME` and `<NAME>_IAM_USER`; `READ_WRITE` (the default) also hands over
 * `<NAME>_USER` and the password as the secret `<NAME>_PASSWORD`, and lets the app connect with
 * IAM as the database user named after the app (`orders-api` is `orders_api`); `READ` hands over
 * no password and lets the app connect with IAM only as `<app>_read`. Create those users once
 * with `GRANT rds_iam`.
 */
export class AppDatabase extends Construct implements IAppResource {
  public readonly environment: IHarmonixEnvironment;
  public readonly bindingName: string;
  public readonly defaultAccess = AccessLevel.READ_WRITE;
  public readonly cluster: rds.DatabaseCluster;
  public readonly connections: ec2.Connections;
  private readonly databaseName: string;

  constructor(scope: Construct, id: string, props: AppDatabaseProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    this.bindingName = bindingNameOf(this, props.bindingName);
    prepareAppStack(this, props.environment);
    if (!env.vpc) {
      throw propError(this, 'environment', `environment ${env.environmentName} has no VPC; an AppDatabase needs one (create the environment with a VPC).`);
    }
    this.databaseName = props.databaseName ?? 'app';
    if (!Token.isUnresolved(this.databaseName) && !/^[a-z][a-z0-9_]{0,62}$/.test(this.databaseName)) {
      throw propError(this, 'databaseName', `"${this.databaseName}" must be 1 to 63 lower-case letters, digits and underscores, starting with a letter.`);
    }
    const minCapacity = props.minCapacity ?? 0;
    const maxCapacity = props.maxCapacity ?? 2;
    validateAuroraCapacity(this, 'minCapacity', minCapacity, 'maxCapacity', maxCapacity);
    const backupDays = validateIntegerRange(this, 'backupRetentionDays', props.backupRetentionDays ?? 7, 7, 35);

    this.cluster = createServerlessPostgres(this, 'Cluster', {
      vpc: env.vpc,
      key: environmentKey(this, env),
      description: `harmonix app database ${this.node.path} in ${env.environmentName}: reached by its bound apps only`,
      adminUser: ADMIN_USER,
      databaseName: this.databaseName,
      engineVersion: props.engineVersion,
      minCapacity,
      maxCapacity,
      backupDays,
      retain: env.retainData,
      reachedBy: 'the security groups of bound apps',
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.connections = this.cluster.connections;
    acceptFindings(this.cluster, {
      id: 'AwsSolutions-SMG4',
      reason: 'ECS injects the password at task start, so rotating it would cut running tasks off until their next deployment; apps that need rotation connect with IAM authentication instead.',
    });
  }

  public bindToApp(app: IApplication, access: AccessLevel, prefix: string): void {
    if (!app.connections) {
      throw propError(app, `bind(${this.node.path})`, `app ${app.appName} does not run in the environment's VPC, so it cannot reach the database; place it in the VPC.`);
    }
    this.connections.allowFrom(app.connections, ec2.Port.tcp(POSTGRES_PORT), `app ${app.appName}`);
    const iamUser = app.appName.replace(/-/g, '_') + (access === AccessLevel.READ ? '_read' : '');
    this.cluster.grantConnect(app, iamUser);
    app.addEnvironment(`${prefix}_HOST`, this.cluster.clusterEndpoint.hostname);
    app.addEnvironment(`${prefix}_PORT`, String(POSTGRES_PORT));
    app.addEnvironment(`${prefix}_NAME`, this.databaseName);
    app.addEnvironment(`${prefix}_IAM_USER`, iamUser);
    if (access === AccessLevel.READ_WRITE) {
      app.addEnvironment(`${prefix}_USER`, ADMIN_USER);
      app.addSecret(`${prefix}_PASSWORD`, this.cluster.secret!, 'password');
    }
  }
}
