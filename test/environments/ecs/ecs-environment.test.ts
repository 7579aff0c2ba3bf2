import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EcsEnvironment, EnvironmentKind, FlowLogDestinationType } from '../../../src';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, testApp, testStack } from '../../fixtures/app';
import { renderValue } from '../../fixtures/iam';

function synth(overrides: Record<string, unknown> = {}) {
  const stack = testStack();
  const env = new EcsEnvironment(stack, 'Dev', baseProps(overrides));
  return { stack, env, template: Template.fromStack(stack) };
}

describe('EcsEnvironment network', () => {
  test('cheap default VPC: 2 AZs, public and private subnets, one NAT gateway', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false, AvailabilityZone: 'eu-west-1a' });
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-west-1b' });
  });

  test('production knobs: 3 AZs and one NAT gateway per AZ', () => {
    const { template } = synth({ maxAzs: 3, natGateways: 3, vpcCidr: '10.20.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
  });

  test('flow logs of all traffic go to a bucket encrypted with the environment key, expiring after the retention', () => {
    const { template } = synth();
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DevKey');
    const bucketId = logicalIdOf(template, 'AWS::S3::Bucket', 'DevFlowLogBucket');
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 's3',
      ResourceType: 'VPC',
      LogDestination: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/vpc-flow-logs/']] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
    });
    // Log delivery may use the key for this account's logs only.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowLogDeliveryForFlowLogs',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
        })]),
      },
    });
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).map(g => g.Properties.LogGroupName).sort())
      .toEqual(['/harmonix/dev/audit-writer', '/harmonix/dev/custom-resources/vpc-default-security-group/handler', '/harmonix/dev/ecs-exec']);
  });

  test('flow logs to CloudWatch Logs by choice, in an encrypted log group with retention', () => {
    const { template } = synth({ flowLogDestination: FlowLogDestinationType.CLOUDWATCH_LOGS, flowLogRetention: logs.RetentionDays.ONE_WEEK });
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/harmonix/dev/vpc-flow-logs',
      RetentionInDays: 7,
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'DevKey'), 'Arn'] },
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => id.includes('FlowLog'))).toEqual([]);
  });

  test('free S3 and DynamoDB gateway endpoints and a locked-down default security group', () => {
    const { template } = synth();
    for (const service of ['.s3', '.dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([service])]) }),
      });
    }
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('existing VPC: no network is created and the cluster uses the given VPC', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      publicSubnetIds: ['subnet-0cccccccccccccccc', 'subnet-0dddddddddddddddd'],
      vpcCidrBlock: '10.1.0.0/16',
    });
    const env = new EcsEnvironment(stack, 'Dev', baseProps({ vpc }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    expect(env.vpc).toBe(vpc);
    expect(env.descriptor.network?.vpcId).toBe('vpc-0123456789abcdef0');
    expect(env.descriptor.network?.privateSubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb']);
  });
});

describe('EcsEnvironment data stores', () => {
  test('customer-managed key with rotation, retained, with an alias per environment', () => {
    const { template } = synth();
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/harmonix/dev' });
  });

  test('CloudWatch Logs may use the key only for the environment log groups and the apps\' databases\' PostgreSQL logs', () => {
    const { template } = synth();
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const logsStatements = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal.Service === 'logs.eu-west-1.amazonaws.com');
    expect(logsStatements.map((s: any) => [s.Sid, renderValue(s.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])])).toEqual([
      ['AllowCloudWatchLogsForEnvironmentLogGroups', 'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/harmonix/dev/*'],
      ['AllowCloudWatchLogsForAppDatabaseLogs', 'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/rds/cluster/*/postgresql'],
    ]);
    for (const statement of logsStatements) {
      expect(statement.Action).not.toContainEqual(expect.stringContaining('*'));
    }
  });

  test('audit table: on-demand, point-in-time recovery, CMK, retained, deletion protection', () => {
    const { template } = synth();
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DevKey');
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        DeletionProtectionEnabled: true,
        KeySchema: [{ AttributeName: 'subject', KeyType: 'HASH' }, { AttributeName: 'timestamp', KeyType: 'RANGE' }],
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byActor' })],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('retainData: false lets short-lived environments be deleted', () => {
    const { template } = synth({ retainData: false });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('EcsEnvironment cluster', () => {
  test('Container Insights: off below stage 3 (cheap idle), on from stage 3, as the prop says otherwise', () => {
    const insights = (props: Record<string, unknown>) =>
      Object.values(synth(props).template.findResources('AWS::ECS::Cluster'))[0].Properties.ClusterSettings[0].Value;
    const cases = [{}, { stage: 2 }, { stage: 3 }, { containerInsights: true }, { stage: 3, containerInsights: false }];
    expect(cases.map(insights)).toEqual(['disabled', 'disabled', 'enabled', 'enabled', 'disabled']);
  });

  test('cluster with encrypted ECS Exec logging', () => {
    const { template } = synth({ stage: 3 });
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'DevKey');
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'harmonix-dev',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchEncryptionEnabled: true, CloudWatchLogGroupName: Match.anyValue() },
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/harmonix/dev/ecs-exec', RetentionInDays: 30 });
  });

  test('Fargate and Fargate Spot capacity providers, Fargate by default, Spot by choice', () => {
    const onDemand = synth().template;
    onDemand.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
    });
    synth({ fargateSpotByDefault: true }).template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });
  });

  test('private Cloud Map namespace for service discovery', () => {
    const { template, env } = synth();
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'dev.harmonix.internal' });
    expect(env.kind).toBe(EnvironmentKind.ECS);
    expect(env.ecs?.cluster).toBe(env.cluster);
    expect(env.ecs?.cloudMapNamespace).toBe(env.cloudMapNamespace);
  });
});

describe('EcsEnvironment shared load balancer', () => {
  const lbProps = { sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } };

  test('none by default', () => {
    synth().template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  test('deletion protection: off below stage 3 so the environment can be destroyed, on from stage 3, as the prop says otherwise', () => {
    const protectedLb = (props: Record<string, unknown>) => Object.values(synth(props).template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]
      .Properties.LoadBalancerAttributes.find((a: any) => a.Key === 'deletion_protection.enabled').Value;
    expect([
      protectedLb(lbProps),
      protectedLb({ ...lbProps, stage: 3 }),
      protectedLb({ stage: 3, sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN, deletionProtection: false } }),
      protectedLb({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN, deletionProtection: true } }),
    ]).toEqual(['false', 'true', 'false', 'true']);
  });

  test('HTTPS listener with the certificate and a TLS policy, 404 by default, port 80 redirects', () => {
    const { template } = synth(lbProps);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) })],
    });
  });

  test('access logs bucket: encrypted, TLS only, private, expiring', () => {
    const { template } = synth(lbProps);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the load balancer\'s security group sends nothing of its own: each route adds its container port', () => {
    const { template } = synth(lbProps);
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Shared HTTPS load balancer of the environment' } }));
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('access logs are kept a whole number of days from 1 to 3650: S3 expires objects after one day at the earliest', () => {
    const days = (accessLogExpirationDays: number) => ({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN, accessLogExpirationDays } });
    for (const value of [0, -1, 1.5, 3651]) {
      expect(() => synth(days(value))).toThrow(new Error(
        `Workload/Dev: invalid \`sharedLoadBalancer.accessLogExpirationDays\`: ${value} is out of range; use a whole number from 1 to 3650.`));
    }
    synth(days(1)).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })] },
    });
  });

  test('internal load balancer only admits the VPC CIDR', () => {
    const { template } = synth({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN, internetFacing: false } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const ingress = Object.values(groups).flatMap(g => g.Properties.SecurityGroupIngress ?? []);
    expect(ingress.length).toBe(2);
    expect(ingress.every((r: any) => r.CidrIp && typeof r.CidrIp === 'object')).toBe(true);
  });

  test('needs a stack with a concrete region', () => {
    const stack = testStack(undefined, { agnostic: true });
    expect(() => new EcsEnvironment(stack, 'Dev', baseProps(lbProps))).toThrow(/Workload\/Dev: invalid `sharedLoadBalancer`: needs a stack with a concrete region/);
  });
});

describe('validation of hard-coded availability zones', () => {
  test('the W3010 warning on the environment subnets is accepted with a reason, and only there', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-w3010-'));
    const app = testApp({ outdir });
    new EcsEnvironment(testStack(app), 'Dev', baseProps());
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const cfnValidate = report.pluginReports.find((r: any) => r.pluginName === 'CloudFormation Validate');
    const paths = (list: any[]) => list.filter(v => v.ruleName === 'W3010').flatMap(v => v.violatingConstructs.map((c: any) => c.constructPath));
    expect(paths(cfnValidate.violations)).toEqual([]);
    expect(paths(cfnValidate.suppressedViolations)).toEqual(expect.arrayContaining(['Workload/Dev/Vpc/publicSubnet1/Subnet', 'Workload/Dev/Vpc/privateSubnet2/Subnet']));
  });
});
