import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Partition key of an audit record: what was acted on (`app/<name>`, `environment`, ...). */
export const AUDIT_SUBJECT_KEY = 'subject';
/** Sort key of an audit record: ISO-8601 time, then a unique suffix. */
export const AUDIT_TIME_KEY = 'timestamp';
/** Who acted: the principal ARN or the Backstage user. */
export const AUDIT_ACTOR_KEY = 'actor';
/** Index of records by actor and time. */
export const AUDIT_BY_ACTOR_INDEX = 'byActor';

/**
 * The audit table: one item per provisioning or operations action (who, what, when, result).
 * On-demand, point-in-time recovery, encrypted with the environment key.
 */
export function createAuditTable(scope: Construct, kmsKey: kms.IKey, removalPolicy: RemovalPolicy): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'AuditTable', {
    partitionKey: { name: AUDIT_SUBJECT_KEY, type: dynamodb.AttributeType.STRING },
    sortKey: { name: AUDIT_TIME_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: kmsKey,
    deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy,
    timeToLiveAttribute: 'expiresAt',
  });
  table.addGlobalSecondaryIndex({
    indexName: AUDIT_BY_ACTOR_INDEX,
    partitionKey: { name: AUDIT_ACTOR_KEY, type: dynamodb.AttributeType.STRING },
    sortKey: { name: AUDIT_TIME_KEY, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
  return table;
}
