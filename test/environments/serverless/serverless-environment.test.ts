import { Match, Template } from 'aws-cdk-lib/assertions';
import { EnvironmentKind, ServerlessEnvironment } from '../../../src';
import { baseProps, logicalIdOf, testStack } from '../../fixtures/app';

function synth(overrides: Record<string, unknown> = {}) {
  const stack = testStack();
  const env = new ServerlessEnvironment(stack, 'Qa', baseProps({ environmentName: 'qa', ...overrides }));
  return { env, template: Template.fromStack(stack) };
}

describe('ServerlessEnvironment', () => {
  test('has no VPC and no NAT gateway by default', () => {
    const { env, template } = synth();
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    expect(env.vpc).toBeUndefined();
    expect(env.functionSecurityGroup).toBeUndefined();
    expect(env.kind).toBe(EnvironmentKind.SERVERLESS);
    expect(env.ecs).toBeUndefined();
    expect(env.serverless?.artifactBucket).toBe(env.artifactBucket);
    expect(env.descriptor.network).toBeUndefined();
  });

  test('createVpc adds a VPC and a security group for functions', () => {
    const { env, template } = synth({ createVpc: true });
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'Lambda functions of harmonix environment qa' });
    expect(env.descriptor.serverless?.functionSecurityGroupId).toBeDefined();
  });

  test('artifact bucket: CMK, versioned, TLS only, private, access-logged, retained', () => {
    const { template } = synth();
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'QaKey');
    const logs = logicalIdOf(template, 'AWS::S3::Bucket', 'QaArtifactsAccessLogs');
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'artifact-bucket/' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
      },
      DeletionPolicy: 'Retain',
    });
    const artifact = logicalIdOf(template, 'AWS::S3::Bucket', 'QaArtifactsBucket');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: artifact },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('access logs arrive through a bucket policy, not an ACL', () => {
    const { template } = synth();
    const logs = logicalIdOf(template, 'AWS::S3::Bucket', 'QaArtifactsAccessLogs');
    const bucket = template.findResources('AWS::S3::Bucket')[logs];
    expect(bucket.Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('shares the environment base: key, audit table, roles, descriptor', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'harmonix-qa-provisioning' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'harmonix-qa-operations' });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/environments/qa' });
  });
});
