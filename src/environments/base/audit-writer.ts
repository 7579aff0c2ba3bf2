import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENVIRONMENT_KEY_ACTIONS } from './environment-roles';
import { latestRuntime } from '../../common/lambda-runtime';

/** How the audit writer is built. */
export interface AuditWriterOptions {
  readonly logGroupPrefix: string;
  readonly kmsKey: kms.IKey;
  readonly table: dynamodb.ITable;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/** The handler's folder: `assets/audit-writer` of the package, beside `src/` and `lib/`. */
const HANDLER_DIR = path.join(__dirname, '..', '..', '..', 'assets', 'audit-writer');

/**
 * The only writer of the audit table: a small function behind an IAM-authenticated function URL.
 * It stamps each record with the caller's identity from the request signature and only ever
 * adds records (its own keys, a conditional write), so environment roles can neither forge the
 * actor nor rewrite history: they may call the URL, and have no write access to the table.
 * It costs nothing while idle.
 */
export class AuditWriter extends Construct {
  public readonly function: lambda.Function;
  public readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, options: AuditWriterOptions) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `${options.logGroupPrefix}audit-writer`,
      retention: options.logRetention,
      encryptionKey: options.kmsKey,
      removalPolicy: options.removalPolicy,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes audit records of its environment, and nothing else',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'AddAuditRecords', actions: ['dynamodb:PutItem'], resources: [options.table.tableArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UseEnvironmentKey', actions: ENVIRONMENT_KEY_ACTIONS, resources: [options.kmsKey.keyArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn],
    }));

    this.function = new lambda.Function(this, 'Function', {
      description: 'harmonix-cdk audit writer: adds audit records stamped with the caller identity',
      runtime: latestRuntime('nodejs'),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_DIR),
      memorySize: 128,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { TABLE_NAME: options.table.tableName, RETENTION_DAYS: '0' },
      environmentEncryption: options.kmsKey,
    });
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  }
}
