import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptFindings, acceptStackProviderFindings } from './nag';

/**
 * How a bucket goes with its stack: kept, or deleted with its objects (a bucket that is not
 * empty would make the stack's deletion fail).
 */
export function bucketRemoval(scope: Construct, removalPolicy: RemovalPolicy): Pick<s3.BucketProps, 'removalPolicy' | 'autoDeleteObjects'> {
  const destroy = removalPolicy === RemovalPolicy.DESTROY;
  if (destroy) {
    acceptStackProviderFindings(scope, 'Custom::S3AutoDeleteObjectsCustomResourceProvider', 'empties buckets before the stack deletes them');
  }
  return { removalPolicy, autoDeleteObjects: destroy };
}

/** How a log bucket is built. */
export interface LogBucketOptions {
  /** What writes into it, for the reason recorded on its cdk-nag finding. */
  readonly receives: string;
  readonly expirationDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A bucket that only receives logs from an AWS service (load balancer access logs, S3 server
 * access logs). Both services deliver only to SSE-S3 buckets, so it cannot use the environment
 * key; it is private, TLS only, without ACLs, and expires its objects.
 */
export function createLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(options.expirationDays) }],
    ...bucketRemoval(scope, options.removalPolicy),
  });
  acceptFindings(bucket, {
    id: 'AwsSolutions-S1',
    reason: `This bucket only receives ${options.receives}; logging its own access would log the log writes.`,
  });
  return bucket;
}
