import { readAssembly } from '../../src/cli/assembly';
import { planTeardown } from '../../src/cli/teardown/plan';
import { writeAssembly } from '../fixtures/assembly';

describe('harmonix teardown: the plan', () => {
  test('stacks that import another stack\'s exports, or that the app deploys after it, go first', () => {
    const dir = writeAssembly([
      { name: 'Network', template: { Resources: {}, Outputs: { Vpc: { Value: 'vpc-1', Export: { Name: 'Network:Vpc' } } } } },
      { name: 'Data', template: { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { Name: { 'Fn::ImportValue': 'Network:Vpc' } } } } } },
      { name: 'App', template: { Resources: {} }, dependencies: ['Data'] },
    ]);
    const plan = planTeardown(readAssembly(dir));
    expect(plan.order).toEqual(['App', 'Data', 'Network']);
    expect(plan.orderReasons).toEqual(['Data before Network: it imports Network:Vpc', 'App before Data: the app deploys it after Data']);
  });

  test('what is kept, what is snapshotted and what may refuse, nested stacks included', () => {
    const dir = writeAssembly([{
      name: 'Platform',
      template: {
        Resources: {
          Kept: { Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } },
          Db: { Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Snapshot', Properties: { DeletionProtection: true } },
          Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] } },
          Full: { Type: 'AWS::S3::Bucket' },
          Emptied: { Type: 'AWS::S3::Bucket' },
          EmptiedAuto: { Type: 'Custom::S3AutoDeleteObjects', Properties: { BucketName: { Ref: 'Emptied' } } },
          Images: { Type: 'AWS::ECR::Repository' },
          Child: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'child.json' } },
        },
      },
      nested: { 'child.json': { Resources: { Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'RetainExceptOnCreate' } } } },
    }]);
    const plan = planTeardown(readAssembly(dir));
    expect(plan.retained.map(i => [i.logicalId, i.reason])).toEqual([
      ['Kept', 'kept by DeletionPolicy Retain, with its data'],
      ['Child/Logs', 'kept by DeletionPolicy RetainExceptOnCreate, with its data'],
    ]);
    expect(plan.snapshots.map(i => i.logicalId)).toEqual(['Db']);
    expect(plan.blockers.map(i => [i.logicalId, i.reason])).toEqual([
      ['Db', 'deletion protection is on: turn it off and deploy before destroying'],
      ['Lb', 'deletion protection is on: turn it off and deploy before destroying'],
      ['Full', 'the bucket must be empty (objects and versions), or its deletion fails'],
      ['Images', 'the repository must hold no images, or its deletion fails'],
    ]);
  });

  test('stacks that depend on each other in a cycle are refused with a sentence', () => {
    const dir = writeAssembly([
      { name: 'A', template: { Resources: {} }, dependencies: ['B'] },
      { name: 'B', template: { Resources: {} }, dependencies: ['A'] },
    ]);
    expect(() => planTeardown(readAssembly(dir))).toThrow('the stacks A, B depend on each other in a cycle; the assembly cannot be destroyed as it stands.');
  });
});
