import * as fs from 'fs';
import * as path from 'path';
import { Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  DescriptorDocument, EcsEnvironment, EnvironmentDescriptor, EnvironmentKind, HarmonixEnvironment, ServerlessEnvironment,
} from '../../src';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, testApp, testStack } from '../fixtures/app';
import { renderValue } from '../fixtures/iam';

/** A serverless descriptor of the current schema, as deployed. */
const QA: EnvironmentDescriptor = {
  schemaVersion: DescriptorDocument.SCHEMA_VERSION,
  name: 'qa',
  kind: EnvironmentKind.SERVERLESS,
  account: '333333333333',
  region: 'eu-central-1',
  stage: 2,
  requireApproval: false,
  description: 'QA',
  kmsKeyArn: 'arn:aws:kms:eu-central-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  auditTableName: 'audit',
  auditTableArn: 'arn:aws:dynamodb:eu-central-1:333333333333:table/audit',
  provisioningRoleArn: 'arn:aws:iam::333333333333:role/harmonix-qa-provisioning',
  operationsRoleArn: 'arn:aws:iam::333333333333:role/harmonix-qa-operations',
  cdkBootstrapQualifier: 'hnb659fds',
  logGroupPrefix: '/harmonix/qa/',
  retainData: false,
  serverless: { artifactBucketName: 'qa-bundles', artifactBucketArn: 'arn:aws:s3:::qa-bundles' },
};

/** An ECS descriptor exactly as the first release wrote it: schema `1`, before route tables and capacity providers. */
/** The example EKS environment's descriptor, with the fields apps on EKS read. */
const STAGING = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'descriptors', 'staging.json'), 'utf8'));

const WAVE_ONE_ECS = {
  schemaVersion: 1,
  name: 'dev',
  kind: 'ECS',
  account: '111111111111',
  region: 'eu-west-1',
  stage: 1,
  requireApproval: false,
  description: 'Development',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  auditTableName: 'dev-audit',
  auditTableArn: 'arn:aws:dynamodb:eu-west-1:111111111111:table/dev-audit',
  provisioningRoleArn: 'arn:aws:iam::111111111111:role/harmonix-dev-provisioning',
  operationsRoleArn: 'arn:aws:iam::111111111111:role/harmonix-dev-operations',
  cdkBootstrapQualifier: 'hnb659fds',
  logGroupPrefix: '/harmonix/dev/',
  network: {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetIds: ['subnet-0a', 'subnet-0b'],
    privateSubnetIds: ['subnet-1a', 'subnet-1b'],
  },
  ecs: {
    clusterName: 'harmonix-dev',
    clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/harmonix-dev',
    namespaceName: 'dev.harmonix.internal',
    namespaceId: 'ns-0123456789',
    namespaceArn: 'arn:aws:servicediscovery:eu-west-1:111111111111:namespace/ns-0123456789',
  },
};

describe('the descriptor an environment publishes', () => {
  test('is written to /harmonix/environments/<name> with every field of the contract', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({
      stage: 1, description: 'Development', sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN },
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/environments/dev', Type: 'String', Tier: 'Intelligent-Tiering' });
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter'))[0];
    const raw = JSON.parse(renderValue(parameter.Properties.Value));
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'DevKey');
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'DevAuditTable');
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const policyRef = (name: string) => `<${Object.keys(policies).find(id => policies[id].Properties.ManagedPolicyName === name)}>`;
    expect(raw).toMatchObject({
      schemaVersion: '1.4',
      name: 'dev',
      kind: 'ECS',
      account: '111111111111',
      region: 'eu-west-1',
      stage: 1,
      requireApproval: false,
      description: 'Development',
      kmsKeyArn: `<${key}.Arn>`,
      auditTableName: `<${table}>`,
      auditTableArn: `<${table}.Arn>`,
      auditWriterUrl: `<${logicalIdOf(template, 'AWS::Lambda::Url', 'DevAuditWriter')}.FunctionUrl>`,
      provisioningRoleArn: `<${logicalIdOf(template, 'AWS::IAM::Role', 'DevProvisioningRole')}.Arn>`,
      operationsRoleArn: `<${logicalIdOf(template, 'AWS::IAM::Role', 'DevOperationsRole')}.Arn>`,
      cdkBootstrapQualifier: 'hnb659fds',
      logGroupPrefix: '/harmonix/dev/',
      retainData: true,
      appDeployPolicyArns: ['harmonix-dev-app-deploy', 'harmonix-dev-app-deploy-network', 'harmonix-dev-app-deploy-functions', 'harmonix-dev-app-deploy-data', 'harmonix-dev-app-deploy-iam'].map(policyRef),
      appBoundaryArn: policyRef('harmonix-dev-app-boundary'),
      network: {
        vpcId: `<${logicalIdOf(template, 'AWS::EC2::VPC', 'DevVpc')}>`,
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      },
      ecs: {
        clusterName: `<${logicalIdOf(template, 'AWS::ECS::Cluster', 'DevCluster')}>`,
        namespaceName: 'dev.harmonix.internal',
        defaultCapacityProvider: 'FARGATE',
        sharedLoadBalancer: { httpsListenerArn: expect.stringMatching(/^<DevLoadBalancerHttps.*>$/) },
      },
    });
    expect(raw.network.privateSubnetIds).toHaveLength(2);
    expect(raw.network.privateSubnetRouteTableIds).toHaveLength(2);
    expect(raw.serverless).toBeUndefined();
  });

  test('fields are also stack outputs', () => {
    const stack = testStack();
    new ServerlessEnvironment(stack, 'Qa', baseProps({ environmentName: 'qa', stage: 2 }));
    const template = Template.fromStack(stack);
    const outputs = template.findOutputs('*');
    const byName = (suffix: string) => Object.entries(outputs).find(([id]) => id.startsWith(`Qa${suffix}`))?.[1].Value;
    expect(byName('DescriptorParameterName')).toBe('/harmonix/environments/qa');
    expect(byName('SchemaVersion')).toBe('1.4');
    expect(byName('Kind')).toBe('SERVERLESS');
    expect(byName('Stage')).toBe('2');
    expect(byName('RequireApproval')).toBe('false');
    expect(byName('ProvisioningRoleArn')).toEqual({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'QaProvisioningRole'), 'Arn'] });
    expect(byName('ServerlessArtifactBucketName')).toEqual({ Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'QaArtifactsBucket') });
    expect(byName('NetworkVpcId')).toBeUndefined();
  });

  test('production stages require approval unless told otherwise', () => {
    const app = testApp();
    const env = (id: string, props: Record<string, unknown>) => new ServerlessEnvironment(testStack(app, { id }), id, baseProps(props));
    const prod = env('Prod', { environmentName: 'prod', stage: 3 });
    const qa = env('Qa', { environmentName: 'qa', stage: 2 });
    const fast = env('Fast', { environmentName: 'fast', stage: 3, requireApproval: false });
    expect([prod.descriptor.requireApproval, qa.descriptor.requireApproval, fast.descriptor.requireApproval]).toEqual([true, false, false]);
  });
});

describe('DescriptorDocument', () => {
  test('parse and format are each other\'s inverse, in a canonical order', () => {
    const text = DescriptorDocument.format(QA);
    expect(DescriptorDocument.parse(text)).toEqual(QA);
    expect(Object.keys(JSON.parse(text))[0]).toBe('schemaVersion');
    expect(DescriptorDocument.format(DescriptorDocument.parse(text))).toBe(text);
    expect(DescriptorDocument.parameterName('qa')).toBe('/harmonix/environments/qa');
  });

  test('format refuses deploy-time values and checks what it writes', () => {
    const env = new ServerlessEnvironment(testStack(), 'Qa', baseProps({ environmentName: 'qa' }));
    expect(() => DescriptorDocument.format(env.descriptor))
      .toThrow(/environment descriptor qa: it holds deploy-time values, .* read the deployed descriptor from \/harmonix\/environments\/qa/);
    expect(() => DescriptorDocument.format({ ...QA, stage: 0 })).toThrow(/field `stage` must be a whole number of 1 or more/);
  });
});

describe('schema evolution', () => {
  test('a descriptor of the first release (schema 1) is read, with the later fields at their defaults', () => {
    const stack = testStack();
    const dev = HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', JSON.stringify(WAVE_ONE_ECS));
    expect(dev.descriptor.schemaVersion).toBe('1.4');
    expect(dev.descriptor.ecs?.defaultCapacityProvider).toBe('FARGATE');
    expect(dev.descriptor.retainData).toBe(true);
    expect(dev.retainData).toBe(true);
    expect(dev.ecs?.defaultCapacityProviderStrategies).toEqual([{ capacityProvider: 'FARGATE', weight: 1 }]);
    expect(dev.descriptor.network?.privateSubnetRouteTableIds).toBeUndefined();
    expect(dev.vpc?.privateSubnets.map(s => s.subnetId)).toEqual(['subnet-1a', 'subnet-1b']);
    expect(dev.ecs?.cloudMapNamespace.namespaceName).toBe('dev.harmonix.internal');
  });

  test('a newer minor version is read and its unknown fields are ignored, at every level', () => {
    const newer = {
      ...WAVE_ONE_ECS,
      schemaVersion: '1.7',
      costCenter: 'platform',
      network: { ...WAVE_ONE_ECS.network, ipv6CidrBlock: '2001:db8::/56' },
      ecs: { ...WAVE_ONE_ECS.ecs, serviceConnectDefault: true },
    };
    const read = DescriptorDocument.parse(JSON.stringify(newer));
    expect(read.schemaVersion).toBe('1.4');
    expect(JSON.stringify(read)).not.toMatch(/costCenter|ipv6CidrBlock|serviceConnectDefault/);
    expect(read.ecs?.clusterName).toBe('harmonix-dev');
  });

  test('a newer major version is refused, naming both versions and the upgrade', () => {
    expect(() => DescriptorDocument.parse(JSON.stringify({ ...WAVE_ONE_ECS, schemaVersion: '2.0' }), 'dev.json'))
      .toThrow('dev.json: the environment descriptor has schema version 2.0, but this version of harmonix-cdk reads schema 1.x (up to 1.4); upgrade harmonix-cdk to a release that reads schema 2.');
    expect(() => DescriptorDocument.parse(JSON.stringify({ ...WAVE_ONE_ECS, schemaVersion: 2 })))
      .toThrow(/field `schemaVersion` must be a version such as "1.1"/);
    expect(() => DescriptorDocument.parse(JSON.stringify({ ...WAVE_ONE_ECS, schemaVersion: '0.9' })))
      .toThrow(/schema version 0.9, .* write the descriptor again with a current harmonix-cdk/);
  });
});

describe('a descriptor that cannot be read gets one clear sentence', () => {
  const stack = testStack();
  let n = 0;
  const read = (doc: unknown) => () => HarmonixEnvironment.fromDescriptorJson(stack, `E${n++}`, typeof doc === 'string' ? doc : JSON.stringify(doc));

  test.each([
    ['not JSON', '{not json', /Workload\/E\d+: the environment descriptor is not JSON/],
    ['not an object', '[1]', /the environment descriptor must be a JSON object/],
    ['a missing field', { ...QA, kmsKeyArn: undefined }, /field `kmsKeyArn` must be a non-empty string; read it again from \/harmonix\/environments\/<name>/],
    ['an unknown kind', { ...QA, kind: 'VM' }, /has kind VM, which this version of harmonix-cdk does not know \(it knows ECS, SERVERLESS, EKS\); upgrade harmonix-cdk/],
    ['no runtime slice', { ...QA, serverless: undefined }, /field `serverless` must be present for SERVERLESS environments/],
    ['another kind\'s slice', { ...QA, ecs: WAVE_ONE_ECS.ecs }, /field `ecs` must be absent for SERVERLESS environments/],
    ['an ECS environment without network', { ...WAVE_ONE_ECS, network: undefined }, /field `network` must be present for ECS environments/],
    ['stage 0', { ...QA, stage: 0 }, /field `stage` must be a whole number of 1 or more/],
    ['a bad nested field', { ...WAVE_ONE_ECS, ecs: { ...WAVE_ONE_ECS.ecs, defaultCapacityProvider: 'EC2' } }, /field `ecs.defaultCapacityProvider` must be one of FARGATE, FARGATE_SPOT/],
    ['subnets that do not spread over the zones', { ...WAVE_ONE_ECS, network: { ...WAVE_ONE_ECS.network, publicSubnetIds: ['subnet-0a'] } },
      /field `network.publicSubnetIds` must be a list whose length is a multiple of the 2 availability zones \(it has 1\)/],
    ['route tables that do not match the subnets', { ...WAVE_ONE_ECS, network: { ...WAVE_ONE_ECS.network, privateSubnetRouteTableIds: ['rtb-1'] } },
      /field `network.privateSubnetRouteTableIds` must be a list of one route table per subnet of `privateSubnetIds`/],
    ['a table name that is not the table of the ARN', { ...QA, auditTableName: 'other' }, /field `auditTableArn` is "arn:aws:dynamodb:eu-central-1:333333333333:table\/audit"; it must be the ARN of the audit table the descriptor names, other\. Read the descriptor again from \/harmonix\/environments\/qa\./],
    ['the whole get-parameter output', { Parameter: { Name: '/harmonix/environments/qa', Type: 'String', Value: JSON.stringify(QA) } },
      /this is the whole output of `aws ssm get-parameter`; pass only the descriptor, its Parameter.Value \(add `--query Parameter.Value --output text`\)/],
    ['a role ARN that is not a role', { ...QA, operationsRoleArn: 'arn:aws:iam::333333333333:root' }, /field `operationsRoleArn` is "arn:aws:iam::333333333333:root"; it must be an iam ARN such as "arn:aws:iam::333333333333:role\/harmonix-dev-provisioning"/],
  ])('%s', (_case, doc, error) => expect(read(doc)).toThrow(error));

  // Values beyond their presence: one sentence naming the field, the value and what is allowed.
  const LB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/dev-shared/0123456789abcdef';
  const withLb = (listener: string) => ({
    ...WAVE_ONE_ECS,
    ecs: {
      ...WAVE_ONE_ECS.ecs,
      sharedLoadBalancer: {
        loadBalancerArn: LB, dnsName: 'dev-shared-1.eu-west-1.elb.amazonaws.com', canonicalHostedZoneId: 'Z32O12XQLNTSW2', httpsListenerArn: listener, securityGroupId: 'sg-0a1b2c3d',
      },
    },
  });
  test.each([
    ['an account that is not 12 digits', { ...QA, account: '33333333333' }, /field `account` is "33333333333"; it must be an AWS account id of 12 digits/],
    ['a region that is no region name', { ...QA, region: 'Frankfurt' }, /field `region` is "Frankfurt"; it must be an AWS region name such as "eu-west-1"/],
    ['a name the SSM path and tags refuse', { ...QA, name: 'QA_1' }, /field `name` is "QA_1"; it must be 2 to 32 lower-case letters/],
    ['a key of another account', { ...QA, kmsKeyArn: QA.kmsKeyArn.replace('333333333333', '444444444444') },
      /field `kmsKeyArn` is "arn:aws:kms:eu-central-1:444444444444:key\/[^"]+"; it must be an ARN in the environment's account 333333333333/],
    ['a table of another region', { ...QA, auditTableArn: 'arn:aws:dynamodb:eu-west-1:333333333333:table/audit' },
      /field `auditTableArn` is .*; it must be an ARN in the environment's region eu-central-1/],
    ['a role of another account', { ...QA, provisioningRoleArn: 'arn:aws:iam::444444444444:role/harmonix-qa-provisioning' },
      /field `provisioningRoleArn` is .*; it must be an ARN in the environment's account 333333333333/],
    ['a policy that is a role', { ...QA, appBoundaryArn: 'arn:aws:iam::333333333333:role/boundary' }, /field `appBoundaryArn` is .*; it must be an iam ARN such as .*:policy\//],
    ['a plain-HTTP audit writer', { ...QA, auditWriterUrl: 'http://abc.lambda-url.eu-central-1.on.aws/' }, /field `auditWriterUrl` is "http:[^"]+"; it must be an https:\/\/ URL/],
    ['a qualifier CDK refuses', { ...QA, cdkBootstrapQualifier: 'much-too-long-qualifier' }, /field `cdkBootstrapQualifier` is .*; it must be a CDK bootstrap qualifier of 1 to 10/],
    ['a log prefix without its slash', { ...QA, logGroupPrefix: 'harmonix/qa/' }, /field `logGroupPrefix` is "harmonix\/qa\/"; it must be a CloudWatch Logs group prefix starting with "\/"/],
    ['a bucket ARN of another bucket', { ...QA, serverless: { artifactBucketName: 'qa-bundles', artifactBucketArn: 'arn:aws:s3:::other-bundles' } },
      /field `serverless.artifactBucketArn` is .*; it must be the ARN of the bucket the descriptor names, qa-bundles/],
    ['a zone of another region', { ...WAVE_ONE_ECS, network: { ...WAVE_ONE_ECS.network, availabilityZones: ['eu-west-1a', 'us-east-1b'] } },
      /field `network.availabilityZones\[1\]` is "us-east-1b"; it must be a zone of the environment's region eu-west-1/],
    ['a security group id where a subnet goes', { ...WAVE_ONE_ECS, network: { ...WAVE_ONE_ECS.network, privateSubnetIds: ['subnet-1a', 'sg-1b'] } },
      /field `network.privateSubnetIds\[1\]` is "sg-1b"; it must be an id such as "subnet-0123456789abcdef0"/],
    ['a cluster ARN of another cluster', { ...WAVE_ONE_ECS, ecs: { ...WAVE_ONE_ECS.ecs, clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/harmonix-qa' } },
      /field `ecs.clusterArn` is .*; it must be the ARN of the cluster the descriptor names, harmonix-dev/],
    ['an app kubectl handler of another account', { ...STAGING, eks: { ...STAGING.eks, appKubectlServiceToken: 'arn:aws:lambda:eu-west-1:444444444444:function:kubectl' } },
      /field `eks.appKubectlServiceToken` is .*; it must be an ARN in the environment's account 111111111111/],
    ['an app kubectl handler that is no function', { ...STAGING, eks: { ...STAGING.eks, appKubectlServiceToken: 'arn:aws:iam::111111111111:role/kubectl' } },
      /field `eks.appKubectlServiceToken` is .*; it must be an lambda ARN such as "arn:aws:lambda:eu-west-1:111111111111:function:/],
    ['a node architecture Kubernetes does not name', { ...STAGING, eks: { ...STAGING.eks, nodeArchitectures: ['x86_64'] } },
      /field `eks.nodeArchitectures\[0\]` is "x86_64"; it must be a node architecture as Kubernetes names it, "arm64" or "amd64"/],
    ['a public subnet block that is no CIDR', { ...STAGING, network: { ...STAGING.network, publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0'] } },
      /field `network.publicSubnetCidrs\[1\]` is "10.0.1.0"; it must be an IPv4 CIDR block/],
    ['public subnet blocks that do not match the subnets', { ...STAGING, network: { ...STAGING.network, publicSubnetCidrs: ['10.0.0.0/24'] } },
      /field `network.publicSubnetCidrs` must be a list of one CIDR block per subnet of `publicSubnetIds`/],
    ['a listener of another load balancer', withLb('arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/qa-shared/0123456789abcdef/fedcba9876543210'),
      /field `ecs.sharedLoadBalancer.httpsListenerArn` is .*; it must be a listener of the load balancer the descriptor names/],
  ])('refused: %s', (_case, doc, error) => expect(read(doc)).toThrow(error));

  test('a listener of its own load balancer is read', () => {
    const dev = HarmonixEnvironment.fromDescriptorJson(stack, 'WithLb', JSON.stringify(withLb(`${LB.replace(':loadbalancer/', ':listener/')}/fedcba9876543210`)));
    expect(dev.descriptor.ecs?.sharedLoadBalancer?.loadBalancerArn).toBe(LB);
  });

  test('DescriptorDocument.parameterName refuses what the reader refuses', () => {
    expect(DescriptorDocument.parameterName('payments-prod')).toBe('/harmonix/environments/payments-prod');
    for (const name of ['Dev', 'dev/../prod', '', 'd']) {
      expect(() => DescriptorDocument.parameterName(name)).toThrow(`DescriptorDocument.parameterName: "${name}" is not an environment name;`);
    }
  });

  test('a deploy-time token instead of the text', () => {
    expect(() => HarmonixEnvironment.fromDescriptorJson(stack, 'Token', Lazy.string({ produce: () => '{}' })))
      .toThrow(/Workload\/Token: invalid `descriptorJson`: .* a deploy-time token/);
  });

  test('fromDescriptor checks a hand-written structure the same way', () => {
    expect(() => HarmonixEnvironment.fromDescriptor(stack, 'Struct', { ...QA, region: '' })).toThrow(/Workload\/Struct: the environment descriptor field `region` must be a non-empty string/);
    const qa = HarmonixEnvironment.fromDescriptor(stack, 'Good', QA);
    expect([qa.account, qa.region, qa.descriptor.stage, qa.vpc, qa.ecs]).toEqual(['333333333333', 'eu-central-1', 2, undefined, undefined]);
    expect(qa.serverless?.artifactBucket.bucketName).toBe('qa-bundles');
  });
});
