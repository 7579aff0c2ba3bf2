import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createDataBucket, createLogBucket, deliverAccessLogsByBucketPolicy } from '../../common/buckets';

/** How the artifact store is built. */
export interface ArtifactStoreProps {
  readonly kmsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
}

/**
 * The bucket for deployment bundles (encrypted with the environment key, versioned, TLS only)
 * and the bucket that receives its server access logs.
 */
export class ArtifactStore extends Construct {
  public readonly artifactBucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps) {
    super(scope, id);
    deliverAccessLogsByBucketPolicy(this);

    this.accessLogBucket = createLogBucket(this, 'AccessLogs', {
      receives: 'the artifact bucket access logs',
      expirationDays: props.accessLogExpirationDays,
      removalPolicy: props.removalPolicy,
    });

    this.artifactBucket = createDataBucket(this, 'Bucket', {
      encryptionKey: props.kmsKey,
      removalPolicy: props.removalPolicy,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'artifact-bucket/',
    });
  }
}
