import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcsEnvironment, NatProviderType, ServerlessEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, testApp, testStack } from '../fixtures/app';
import { nagFindings } from '../fixtures/nag';

/** Properties that make CloudFormation refuse to delete a resource. */
function deletionProtected(resource: any): boolean {
  const p = resource.Properties ?? {};
  return p.DeletionProtectionEnabled === true || p.DeletionProtection === true
    || (p.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'deletion_protection.enabled' && a.Value === 'true');
}

const cases: Array<[string, Record<string, unknown>, 'ecs' | 'serverless']> = [
  ['ECS, shared load balancer, data retained (default)', { sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }, 'ecs'],
  ['ECS, shared load balancer, NAT instance, retainData: false', { retainData: false, natProvider: NatProviderType.INSTANCE, sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }, 'ecs'],
  ['serverless with a VPC, retainData: false', { retainData: false, createVpc: true }, 'serverless'],
  ['serverless, data retained (default)', {}, 'serverless'],
];

/**
 * `cdk destroy` must work below production: CloudFormation either keeps a resource (retained
 * data) or deletes it, and nothing it deletes refuses (deletion protection, a bucket with objects).
 */
describe.each(cases)('destroy: %s', (_name, props, kind) => {
  const create = (stack: Stack) => (kind === 'ecs'
    ? new EcsEnvironment(stack, 'Dev', baseProps(props))
    : new ServerlessEnvironment(stack, 'Dev', baseProps(props)));
  const stack = testStack(testApp());
  create(stack);
  const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, any>);
  const deleted = resources.filter(([, r]) => (r.DeletionPolicy ?? 'Delete') === 'Delete');

  test('nothing CloudFormation deletes is deletion-protected', () => {
    expect(deleted.filter(([, r]) => deletionProtected(r)).map(([id]) => id)).toEqual([]);
  });

  test('every bucket CloudFormation deletes is emptied first', () => {
    const buckets = deleted.filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id);
    const emptied = resources.filter(([, r]) => r.Type === 'Custom::S3AutoDeleteObjects').map(([, r]) => r.Properties.BucketName.Ref);
    expect(emptied.sort()).toEqual(buckets.sort());
    if (props.retainData === false) {
      expect(buckets.length).toBeGreaterThan(0);
    }
  });

  test('what stays behind is exactly the data: key, table, logs and buckets', () => {
    const kept = resources.filter(([, r]) => r.DeletionPolicy === 'Retain').map(([, r]) => r.Type);
    const expected = props.retainData === false ? [] : ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::S3::Bucket'];
    expect([...new Set(kept)].filter(t => t !== 'AWS::Logs::LogGroup').sort()).toEqual(expected);
  });

  test('still nag-clean', () => {
    const nagApp = testApp();
    create(testStack(nagApp));
    expect(nagFindings(nagApp)).toEqual([]);
  });
});

test('production keeps its load balancer from being deleted (turn deletionProtection off, deploy, then destroy)', () => {
  const stack = testStack();
  new EcsEnvironment(stack, 'Prod', baseProps({ environmentName: 'prod', stage: 3, sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
  const protectedIds = Object.entries(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))
    .filter(([, r]) => deletionProtected(r)).map(([id]) => id);
  expect(protectedIds).toHaveLength(1);
});
