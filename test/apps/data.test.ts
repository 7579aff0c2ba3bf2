import { Duration, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { AppBucket, AppDatabase, AppQueue, AppSecret, EcsEnvironment, HarmonixEnvironment } from '../../src';
import { baseProps, testApp, TEST_ENV } from '../fixtures/app';
import { AppTarget, deployedDescriptor, ECS_TARGETS, importedServerless, SERVERLESS_TARGETS } from '../fixtures/app-environments';
import { postgresLogGroup } from '../fixtures/database';
import { nagFindings } from '../fixtures/nag';

function allData(t: AppTarget) {
  return {
    db: new AppDatabase(t.stack, 'OrdersDb', { environment: t.env }),
    bucket: new AppBucket(t.stack, 'Files', { environment: t.env }),
    queue: new AppQueue(t.stack, 'Jobs', { environment: t.env }),
    secret: new AppSecret(t.stack, 'PaymentKey', { environment: t.env }),
  };
}

const keyOf = (t: AppTarget) => t.stack.resolve(t.env.kmsKey.keyArn);

describe.each([ECS_TARGETS[0], ECS_TARGETS[1], SERVERLESS_TARGETS[1]])('bindable data in $name', ({ target }) => {
  const t = target();
  allData(t);
  const template = Template.fromStack(t.stack);

  test('AppDatabase: Aurora PostgreSQL Serverless v2 that pauses, in the environment VPC, IAM auth, generated credentials, all under the environment key, kept', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        EngineVersion: Match.stringLikeRegexp('^17\\.'),
        ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
        StorageEncrypted: true,
        KmsKeyId: keyOf(t),
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 7,
        DatabaseName: 'app',
        Port: 5432,
      }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', Engine: 'aurora-postgresql' });
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ KmsKeyId: keyOf(t), GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"harmonix_admin"}' }) }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: t.stack.resolve(t.env.vpc!.privateSubnets.map(s => s.subnetId)) });
    // No way out of the database's security group: aws-cdk-lib's placeholder rule that matches no traffic.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AppStack/OrdersDb'), SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('AppDatabase: PostgreSQL\'s log goes to a group made before the writer, where RDS writes it, with retention and the environment key', () => {
    const log = postgresLogGroup(template);
    expect(log.properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: keyOf(t) });
    expect(log.deletionPolicy).toBe('Retain');
  });

  test('AppBucket: private, TLS only, versioned, environment key, access-logged by bucket policy, kept', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyOf(t) } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/AppStack/Files/Bucket/' },
        BucketName: Match.stringLikeRegexp('^harmonix-dev-[0-9a-f]{16}$'),
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    // Logs reach the stack's log bucket by that policy, never by an ACL: no bucket of the stack has one.
    expect(Object.values(template.findResources('AWS::S3::Bucket')).map((b: any) => b.Properties.AccessControl)).toEqual(
      Object.values(template.findResources('AWS::S3::Bucket')).map(() => undefined));
  });

  test('AppQueue: environment key, TLS only, a dead-letter queue after 5 receives, kept', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: Match.objectLike({
        KmsMasterKeyId: keyOf(t), RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 }, VisibilityTimeout: 30,
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyOf(t), MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('AppSecret: environment key, kept', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ KmsKeyId: keyOf(t), Description: 'harmonix-cdk app secret PAYMENT_KEY in dev' }),
      DeletionPolicy: 'Retain',
    });
  });

  test('cdk-nag AwsSolutionsChecks: zero unsuppressed errors and warnings', () => {
    const n = target();
    allData(n);
    expect(nagFindings(n.app)).toEqual([]);
  });
});

describe('the environment\'s data policy reaches app data', () => {
  test('retainData: false deletes app data with its stack (and drops deletion protection)', () => {
    const json = deployedDescriptor(s => new EcsEnvironment(s, 'Env', baseProps({ retainData: false })));
    const app = testApp();
    const stack = new Stack(app, 'AppStack', { env: TEST_ENV });
    const env = HarmonixEnvironment.fromDescriptorJson(stack, 'Env', json);
    expect(env.retainData).toBe(false);
    allData({ app, stack, env });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBCluster', { Properties: Match.objectLike({ DeletionProtection: false }), DeletionPolicy: 'Delete' });
    for (const type of ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret']) {
      expect(Object.values(template.findResources(type)).map(r => r.DeletionPolicy ?? 'Delete')).not.toContain('Retain');
    }
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    const nagApp = testApp();
    const nagStack = new Stack(nagApp, 'AppStack', { env: TEST_ENV });
    allData({ app: nagApp, stack: nagStack, env: HarmonixEnvironment.fromDescriptorJson(nagStack, 'Env', json) });
    expect(nagFindings(nagApp)).toEqual([]);
  });
});

describe('bindable data refuses bad input', () => {
  test('a database in an environment without VPC', () => {
    const t = SERVERLESS_TARGETS[2].target();
    expect(() => new AppDatabase(t.stack, 'Db', { environment: t.env }))
      .toThrow('AppStack/Db: invalid `environment`: environment dev has no VPC; an AppDatabase needs one (create the environment with a VPC).');
  });

  test.each([
    [{ minCapacity: 0.3 }, /invalid `minCapacity`: 0.3 is not an Aurora capacity/],
    [{ maxCapacity: 0.5 }, /invalid `maxCapacity`: 0.5 must be an Aurora capacity from 1 to 256/],
    [{ backupRetentionDays: 1 }, /invalid `backupRetentionDays`: 1 is out of range; use a whole number from 7 to 35/],
    [{ databaseName: 'Orders-DB' }, /invalid `databaseName`: "Orders-DB" must be 1 to 63 lower-case letters/],
  ])('database %j', (props, message) => {
    const t = importedServerless();
    expect(() => new AppDatabase(t.stack, 'Db', { environment: t.env, ...props })).toThrow(message);
  });

  test.each([
    ['a visibility timeout above 12 hours', () => { const t = importedServerless(); return new AppQueue(t.stack, 'Jobs', { environment: t.env, visibilityTimeout: Duration.hours(13) }); },
      'AppStack/Jobs: invalid `visibilityTimeout`: 13 hours is out of range for an SQS visibility timeout; give whole seconds from 0 to 43200 (12 hours).'],
    ['a retention under a minute', () => { const t = importedServerless(); return new AppQueue(t.stack, 'Jobs', { environment: t.env, retentionPeriod: Duration.seconds(30) }); },
      'AppStack/Jobs: invalid `retentionPeriod`: 30 seconds is out of range for SQS message retention'],
    ['old versions kept 0 days', () => { const t = importedServerless(); return new AppBucket(t.stack, 'Files', { environment: t.env, noncurrentVersionExpirationDays: 0 }); },
      'AppStack/Files: invalid `noncurrentVersionExpirationDays`: 0 is out of range; use a whole number from 1 to 36500.'],
    ['a secret description Secrets Manager refuses', () => { const t = importedServerless(); return new AppSecret(t.stack, 'Key', { environment: t.env, description: 'x'.repeat(2049) }); },
      'AppStack/Key: invalid `description`: has 2049 characters; give at most 2048.'],
  ])('%s', (_case, build, message) => {
    expect(build).toThrow(message);
  });

  test('a binding name that is no variable name', () => {
    const t = importedServerless();
    expect(() => new AppBucket(t.stack, 'Files', { environment: t.env, bindingName: 'my-files' }))
      .toThrow('AppStack/Files: invalid `bindingName`: "my-files" is not an environment variable name');
  });
});
