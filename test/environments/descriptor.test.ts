import { Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DESCRIPTOR_SCHEMA_VERSION, EcsEnvironment, EnvironmentDescriptor, EnvironmentKind, HarmonixEnvironment, ServerlessEnvironment,
} from '../../src';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, testStack } from '../fixtures/app';
import { renderValue } from '../fixtures/iam';

/** Fake values for the references in a synthesized descriptor, as CloudFormation would fill them. */
function fakeValue(ref: string): string {
  if (ref === 'AWS::Partition') return 'aws';
  if (/ProvisioningRole.*\.Arn$/.test(ref)) return 'arn:aws:iam::111111111111:role/harmonix-dev-provisioning';
  if (/OperationsRole.*\.Arn$/.test(ref)) return 'arn:aws:iam::111111111111:role/harmonix-dev-operations';
  if (/Key.*\.Arn$/.test(ref)) return 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  if (/AuditTable.*\.Arn$/.test(ref)) return 'arn:aws:dynamodb:eu-west-1:111111111111:table/dev-audit';
  if (/Cluster[0-9A-F]{8}\.Arn$/.test(ref)) return 'arn:aws:ecs:eu-west-1:111111111111:cluster/harmonix-dev';
  return `fake-${ref.replace(/[^A-Za-z0-9]/g, '-').toLowerCase()}`;
}

/** The descriptor document as the SSM parameter will hold it once deployed. */
function deployedDescriptor(template: Template, environmentId: string): string {
  const parameters = template.findResources('AWS::SSM::Parameter');
  const id = logicalIdOf(template, 'AWS::SSM::Parameter', `${environmentId}Descriptor`);
  return renderValue(parameters[id].Properties.Value, fakeValue);
}

describe('environment descriptor', () => {
  test('is written to /harmonix/environments/<name> with every field of the contract', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({
      stage: 1, description: 'Development', sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN },
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/environments/dev', Type: 'String', Tier: 'Standard' });
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter'))[0];
    const raw = JSON.parse(renderValue(parameter.Properties.Value));
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'DevKey');
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'DevAuditTable');
    expect(raw).toMatchObject({
      schemaVersion: DESCRIPTOR_SCHEMA_VERSION,
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
      provisioningRoleArn: `<${logicalIdOf(template, 'AWS::IAM::Role', 'DevProvisioningRole')}.Arn>`,
      operationsRoleArn: `<${logicalIdOf(template, 'AWS::IAM::Role', 'DevOperationsRole')}.Arn>`,
      cdkBootstrapQualifier: 'hnb659fds',
      logGroupPrefix: '/harmonix/dev/',
      network: {
        vpcId: `<${logicalIdOf(template, 'AWS::EC2::VPC', 'DevVpc')}>`,
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      },
      ecs: {
        clusterName: `<${logicalIdOf(template, 'AWS::ECS::Cluster', 'DevCluster')}>`,
        namespaceName: 'dev.harmonix.internal',
        sharedLoadBalancer: { httpsListenerArn: expect.stringMatching(/^<DevLoadBalancerHttps.*>$/) },
      },
    });
    expect(raw.network.privateSubnetIds).toHaveLength(2);
    expect(raw.serverless).toBeUndefined();
  });

  test('fields are also stack outputs', () => {
    const stack = testStack();
    new ServerlessEnvironment(stack, 'Qa', baseProps({ environmentName: 'qa', stage: 2 }));
    const template = Template.fromStack(stack);
    const outputs = template.findOutputs('*');
    const byName = (suffix: string) => Object.entries(outputs).find(([id]) => id.startsWith(`Qa${suffix}`))?.[1].Value;
    expect(byName('DescriptorParameterName')).toBe('/harmonix/environments/qa');
    expect(byName('Name')).toBe('qa');
    expect(byName('Kind')).toBe('SERVERLESS');
    expect(byName('Stage')).toBe('2');
    expect(byName('RequireApproval')).toBe('false');
    expect(byName('ProvisioningRoleArn')).toEqual({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'QaProvisioningRole'), 'Arn'] });
    expect(byName('ServerlessArtifactBucketName')).toEqual({ Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'QaArtifactsBucket') });
    expect(byName('NetworkVpcId')).toBeUndefined();
  });

  test('production stages require approval unless told otherwise', () => {
    const stack = testStack();
    const prod = new ServerlessEnvironment(stack, 'Prod', baseProps({ environmentName: 'prod', stage: 3 }));
    const qa = new ServerlessEnvironment(stack, 'Qa', baseProps({ environmentName: 'qa', stage: 2 }));
    const fast = new ServerlessEnvironment(stack, 'Fast', baseProps({ environmentName: 'fast', stage: 3, requireApproval: false }));
    expect([prod.requireApproval, qa.requireApproval, fast.requireApproval]).toEqual([true, false, false]);
  });

  test('round trip: the deployed descriptor gives back the same environment in another stack', () => {
    const source = testStack(undefined, { id: 'Workload' });
    const env = new EcsEnvironment(source, 'Dev', baseProps({ stage: 1, description: 'Development', sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
    const json = deployedDescriptor(Template.fromStack(source), 'Dev');

    const consumer = testStack(undefined, { id: 'Pipeline' });
    const imported = HarmonixEnvironment.fromDescriptorJson(consumer, 'DevEnvironment', json);
    expect(imported.environmentName).toBe('dev');
    expect(imported.kind).toBe(EnvironmentKind.ECS);
    expect(imported.account).toBe('111111111111');
    expect(imported.region).toBe('eu-west-1');
    expect(imported.stage).toBe(env.stage);
    expect(imported.requireApproval).toBe(env.requireApproval);
    expect(imported.description).toBe('Development');
    expect(imported.provisioningRole.roleArn).toBe('arn:aws:iam::111111111111:role/harmonix-dev-provisioning');
    expect(imported.operationsRole.roleArn).toBe('arn:aws:iam::111111111111:role/harmonix-dev-operations');
    expect(imported.kmsKey.keyArn).toBe('arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(imported.auditTable.tableArn).toBe('arn:aws:dynamodb:eu-west-1:111111111111:table/dev-audit');
    expect(imported.ecsCluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:111111111111:cluster/harmonix-dev');
    expect(imported.vpc?.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(imported.vpc?.privateSubnets).toHaveLength(2);
    expect(imported.descriptorParameterName).toBe('/harmonix/environments/dev');

    // The imported environment is usable: granting against it references the real ARNs.
    const role = new iam.Role(consumer, 'Runner', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    imported.provisioningRole.grantAssumeRole(role);
    Template.fromStack(consumer).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::111111111111:role/harmonix-dev-provisioning' }] },
    });
  });

  test('fromDescriptor takes the structure, fromAttributes the ARNs', () => {
    const stack = testStack();
    const descriptor: EnvironmentDescriptor = {
      schemaVersion: 1,
      name: 'qa',
      kind: EnvironmentKind.SERVERLESS,
      account: '333333333333',
      region: 'eu-central-1',
      stage: 2,
      requireApproval: false,
      description: 'QA',
      kmsKeyArn: 'arn:aws:kms:eu-central-1:333333333333:key/k',
      auditTableName: 'audit',
      auditTableArn: 'arn:aws:dynamodb:eu-central-1:333333333333:table/audit',
      provisioningRoleArn: 'arn:aws:iam::333333333333:role/harmonix-qa-provisioning',
      operationsRoleArn: 'arn:aws:iam::333333333333:role/harmonix-qa-operations',
      cdkBootstrapQualifier: 'hnb659fds',
      logGroupPrefix: '/harmonix/qa/',
      serverless: { artifactBucketName: 'bucket', artifactBucketArn: 'arn:aws:s3:::bucket' },
    };
    const fromStruct = HarmonixEnvironment.fromDescriptor(stack, 'Qa', descriptor);
    expect(fromStruct.vpc).toBeUndefined();
    expect(fromStruct.ecsCluster).toBeUndefined();
    expect(fromStruct.account).toBe('333333333333');
    const fromJson = HarmonixEnvironment.fromDescriptorJson(stack, 'QaJson', JSON.stringify(descriptor));
    expect(fromJson.operationsRole.roleArn).toBe(descriptor.operationsRoleArn);

    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-central-1a'], privateSubnetIds: ['subnet-1'] });
    const fromAttrs = HarmonixEnvironment.fromAttributes(stack, 'Attrs', {
      environmentName: 'qa',
      kind: EnvironmentKind.SERVERLESS,
      vpc,
      kmsKeyArn: descriptor.kmsKeyArn,
      auditTableArn: descriptor.auditTableArn,
      provisioningRoleArn: descriptor.provisioningRoleArn,
      operationsRoleArn: descriptor.operationsRoleArn,
    });
    expect(fromAttrs.account).toBe('333333333333');
    expect(fromAttrs.region).toBe('eu-west-1');
    expect(fromAttrs.stage).toBe(1);
    expect(fromAttrs.description).toBe('SERVERLESS environment qa');
    expect(fromAttrs.vpc).toBe(vpc);
  });

  test('a descriptor that is not JSON, of another version, or missing a field gets a clear error', () => {
    const stack = testStack();
    const good = {
      schemaVersion: 1,
      name: 'qa',
      kind: 'SERVERLESS',
      account: '1',
      region: 'r',
      stage: 2,
      requireApproval: false,
      description: '',
      kmsKeyArn: 'arn:aws:kms:r:333333333333:key/k',
      auditTableName: 't',
      auditTableArn: 'arn:aws:dynamodb:r:333333333333:table/t',
      provisioningRoleArn: 'arn:aws:iam::333333333333:role/p',
      operationsRoleArn: 'arn:aws:iam::333333333333:role/o',
      cdkBootstrapQualifier: 'q',
      logGroupPrefix: '/harmonix/qa/',
      serverless: { artifactBucketName: 'b', artifactBucketArn: 'arn:aws:s3:::b' },
    };
    const read = (id: string, doc: unknown) => () => HarmonixEnvironment.fromDescriptorJson(stack, id, typeof doc === 'string' ? doc : JSON.stringify(doc));
    expect(read('A', good)).not.toThrow();
    expect(read('B', '{not json')).toThrow(/Workload\/B: the environment descriptor is not JSON/);
    expect(read('C', { ...good, schemaVersion: 2 })).toThrow(/schemaVersion 2, but this version of harmonix-cdk reads version 1; upgrade harmonix-cdk/);
    expect(read('D', { ...good, kmsKeyArn: undefined })).toThrow(/field `kmsKeyArn` must be a non-empty string/);
    expect(read('E', { ...good, kind: 'VM' })).toThrow(/field `kind` must be one of ECS, EKS, SERVERLESS/);
    expect(read('F', { ...good, serverless: undefined })).toThrow(/field `serverless` must be present for a serverless environment/);
    expect(read('G', { ...good, kind: 'ECS', serverless: undefined, ecs: { clusterName: 'c', clusterArn: 'a', namespaceName: 'n', namespaceId: 'i', namespaceArn: 'x' } }))
      .toThrow(/field `network` must be present for an ECS environment/);
    expect(read('H', { ...good, stage: 0 })).toThrow(/field `stage` must be a whole number of 1 or more/);
    expect(() => HarmonixEnvironment.fromDescriptorJson(stack, 'I', Lazy.string({ produce: () => '{}' })))
      .toThrow(/Workload\/I: invalid `descriptorJson`: .* a deploy-time token/);
  });
});
