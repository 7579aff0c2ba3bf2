import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createDataBucket } from '../../common/buckets';
import { acceptFindings, wildcardResourceFindingId } from '../../common/nag';
import { validateIntegerRange } from '../../common/validation';
import { IHarmonixEnvironment } from '../../contract/environment';
import { appAccessLogBucket, appDataRemovalPolicy, bindingNameOf, environmentKey, prepareAppStack, uniqueAppBucketName } from '../app-commons';
import { AccessLevel, IApplication, IAppResource } from '../application';
import { grantExact, grantKeyVia, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS } from '../grants';

/** Properties of an `AppBucket`. */
export interface AppBucketProps {
  /** The environment whose key encrypts the bucket and whose data policy keeps it. */
  readonly environment: IHarmonixEnvironment;
  /**
   * Prefix of the variables a binding hands over (`<NAME>_BUCKET_NAME`, `<NAME>_BUCKET_ARN`).
   * @default - the construct id in upper snake case
   */
  readonly bindingName?: string;
  /**
   * Days after which replaced and deleted object versions are removed.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/** What reading a bucket takes. */
const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'];
/** What writing a bucket takes, beyond reading it. */
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/**
 * An S3 bucket of an app: private, TLS only, versioned, encrypted with the environment key,
 * access-logged, kept or deleted by the environment's data policy. Binding it hands over
 * `<NAME>_BUCKET_NAME` and `<NAME>_BUCKET_ARN` and grants exact object actions (read, or read
 * and write) with the key use they need.
 */
export class AppBucket extends Construct implements IAppResource {
  public readonly environment: IHarmonixEnvironment;
  public readonly bindingName: string;
  public readonly defaultAccess = AccessLevel.READ_WRITE;
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AppBucketProps) {
    super(scope, id);
    this.environment = props.environment;
    this.bindingName = bindingNameOf(this, props.bindingName);
    prepareAppStack(this, props.environment);
    this.bucket = createDataBucket(this, 'Bucket', {
      bucketName: uniqueAppBucketName(this, props.environment),
      encryptionKey: environmentKey(this, props.environment),
      removalPolicy: appDataRemovalPolicy(props.environment),
      // S3 lifecycle rules count days from 1: 0 is refused at deployment.
      noncurrentVersionExpirationDays: validateIntegerRange(this, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays ?? 30, 1, 36_500),
      serverAccessLogsBucket: appAccessLogBucket(this, props.environment),
      serverAccessLogsPrefix: `s3/${this.node.path}/Bucket/`,
    });
  }

  public bindToApp(app: IApplication, access: AccessLevel, prefix: string): void {
    const write = access === AccessLevel.READ_WRITE;
    const objects = this.bucket.arnForObjects('*');
    grantExact(app, [...READ_ACTIONS, ...(write ? WRITE_ACTIONS : [])], [this.bucket.bucketArn, objects]);
    acceptFindings(app, {
      id: wildcardResourceFindingId(app, objects),
      reason: `The objects of ${this.node.path}, a bucket the app binds: the app owns every object in it.`,
    });
    grantKeyVia(app, environmentKey(this, this.environment), write ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS, 's3', this.environment.region);
    app.addEnvironment(`${prefix}_BUCKET_NAME`, this.bucket.bucketName);
    app.addEnvironment(`${prefix}_BUCKET_ARN`, this.bucket.bucketArn);
  }
}
