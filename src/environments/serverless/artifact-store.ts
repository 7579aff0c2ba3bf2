import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { bucketRemoval, createLogBucket, PRIVATE_BUCKET } from '../../common/buckets';

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
    // Deliver access logs through a bucket policy for the S3 logging service rather than the
    // legacy LogDeliveryWrite ACL, whatever the app's feature flags say: ACLs stay disabled.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.accessLogBucket = createLogBucket(this, 'AccessLogs', {
      receives: 'the artifact bucket access logs',
      expirationDays: props.accessLogExpirationDays,
      removalPolicy: props.removalPolicy,
    });

    this.artifactBucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.kmsKey,
      bucketKeyEnabled: true,
      ...PRIVATE_BUCKET,
      versioned: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'artifact-bucket/',
      lifecycleRules: [{
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      ...bucketRemoval(this, props.removalPolicy),
    });
  }
}
