import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptFindings } from './nag';

/** The port every database of the library listens on. */
export const POSTGRES_PORT = 5432;

/** How a serverless PostgreSQL cluster is built. */
export interface ServerlessPostgresOptions {
  readonly vpc: ec2.IVpc;
  readonly key: kms.IKey;
  /** Security group description: who may reach it. */
  readonly description: string;
  /** The administrator user, whose generated password is kept in Secrets Manager. */
  readonly adminUser: string;
  readonly databaseName?: string;
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly backupDays: number;
  /** Keep it (deletion protection, final snapshot, kept credentials) or delete it with its stack. */
  readonly retain: boolean;
  /** Who reaches the standard port, for the reason its cdk-nag finding is accepted with. */
  readonly reachedBy: string;
  /**
   * Retention of the PostgreSQL log, exported to CloudWatch Logs and encrypted with `key`, whose
   * policy must let CloudWatch Logs use it for that log group (`allowPostgresLogsToUseKey`).
   * Undefined: the log stays in the database only.
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Aurora PostgreSQL Serverless v2 as this library builds it: it pauses when idle (minimum
 * capacity 0), lives in isolated subnets where the VPC has them, encrypts storage and its
 * credentials with the given key, allows IAM authentication, keeps backups, and is kept (with
 * deletion protection, a final snapshot and its credentials) or deleted as asked.
 */
export function createServerlessPostgres(scope: Construct, id: string, o: ServerlessPostgresOptions): rds.DatabaseCluster {
  const removalPolicy = o.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  const securityGroup = new ec2.SecurityGroup(scope, `${id}SecurityGroup`, { vpc: o.vpc, description: o.description, allowAllOutbound: false });
  const cluster = new rds.DatabaseCluster(scope, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: o.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_7 }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
    serverlessV2MinCapacity: o.minCapacity,
    serverlessV2MaxCapacity: o.maxCapacity,
    vpc: o.vpc,
    vpcSubnets: { subnetType: o.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [securityGroup],
    port: POSTGRES_PORT,
    defaultDatabaseName: o.databaseName,
    credentials: rds.Credentials.fromGeneratedSecret(o.adminUser, { encryptionKey: o.key }),
    storageEncrypted: true,
    storageEncryptionKey: o.key,
    iamAuthentication: true,
    backup: { retention: Duration.days(o.backupDays) },
    copyTagsToSnapshot: true,
    deletionProtection: o.retain,
    removalPolicy: o.retain ? RemovalPolicy.SNAPSHOT : removalPolicy,
    cloudwatchLogsExports: o.logRetention === undefined ? undefined : ['postgresql'],
  });
  if (o.logRetention !== undefined) {
    // RDS uploads the log into /aws/rds/cluster/<identifier>/postgresql and creates that group at
    // the first upload, which comes from an instance: the group is made here, after the cluster
    // that names it and before its writer, so RDS writes into it, with retention and the key.
    const logGroup = new logs.LogGroup(scope, `${id}PostgresqlLogs`, {
      logGroupName: `/aws/rds/cluster/${cluster.clusterIdentifier}/postgresql`,
      retention: o.logRetention,
      encryptionKey: o.key,
      removalPolicy,
    });
    cluster.node.findChild('Writer').node.addDependency(logGroup);
  }
  // The credentials go with the data: a kept snapshot is opened with the kept password.
  (cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(removalPolicy);
  acceptFindings(cluster, {
    id: 'AwsSolutions-RDS11',
    reason: `The standard PostgreSQL port: only ${o.reachedBy} reach it, and a moved port hides nothing from them.`,
  });
  if (!o.retain) {
    acceptFindings(cluster, {
      id: 'AwsSolutions-RDS10',
      reason: 'The data policy (retainData: false) deletes this data with its stack, so deletion protection would only block that.',
    });
  }
  return cluster;
}
