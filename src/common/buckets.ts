import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptFindings, acceptStackProviderFindings } from './nag';

/** What every bucket of the library is: private, TLS only, without ACLs. */
export const PRIVATE_BUCKET: Pick<s3.BucketProps, 'enforceSSL' | 'blockPublicAccess' | 'objectOwnership'> = {
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
};

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
  /** Days after which objects expire; undefined keeps them. */
  readonly expirationDays: number | undefined;
  readonly removalPolicy: RemovalPolicy;
  /**
   * The environment key, where the delivering service writes with one (VPC flow logs). Load
   * balancer access logs and S3 server access logs are delivered only to SSE-S3 buckets.
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A bucket that only receives logs from an AWS service: private, TLS only, without ACLs,
 * encrypted (with the environment key where the service allows), expiring its objects.
 */
export function createLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...PRIVATE_BUCKET,
    ...(options.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: options.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    lifecycleRules: options.expirationDays === undefined ? undefined : [{ expiration: Duration.days(options.expirationDays) }],
    ...bucketRemoval(scope, options.removalPolicy),
  });
  acceptFindings(bucket, {
    id: 'AwsSolutions-S1',
    reason: `This bucket only receives ${options.receives}; logging its own access would log the log writes.`,
  });
  return bucket;
}
