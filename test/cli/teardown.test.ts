import { readAssembly } from '../../src/cli/assembly';
import { planTeardown } from '../../src/cli/teardown/plan';
import { synthExample, writeAssembly } from '../fixtures/assembly';

/** An environment's stack as it synthesizes: its descriptor parameter, and its own name as its stack tag. */
const environmentStack = (name: string, environment: string) => ({
  name,
  tags: { 'harmonix:environment': environment },
  template: { Resources: { Descriptor: { Type: 'AWS::SSM::Parameter', Properties: { Name: `/harmonix/environments/${environment}`, Type: 'String', Value: '{}' } } } },
});

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

  test('a stack goes before the stacks whose SSM parameters it reads and before the environment it deploys into', () => {
    const dir = writeAssembly([
      // The environments and the shared parameter come first in the assembly, as an app often lists them.
      environmentStack('Dev', 'dev'),
      environmentStack('Qa', 'qa'),
      {
        name: 'Shared',
        template: {
          Parameters: { ParameterName: { Type: 'String', Default: '/shared/vpc-id' } },
          Resources: { VpcId: { Type: 'AWS::SSM::Parameter', Properties: { Name: { Ref: 'ParameterName' }, Type: 'String', Value: 'vpc-1' } } },
        },
      },
      // An app stack imports its environment from the descriptor's values: only its stack tag names the environment.
      { name: 'App', tags: { 'harmonix:environment': 'dev' }, template: { Resources: { Q: { Type: 'AWS::SQS::Queue' } } } },
      // A parameter of an SSM type, read at deployment.
      { name: 'Reader', template: { Parameters: { Descriptor: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/harmonix/environments/qa' } }, Resources: {} } },
      // A dynamic reference.
      { name: 'Resolver', template: { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: '{{resolve:ssm:/shared/vpc-id:2}}' } } } } },
      // A policy granting the read of a descriptor, as StringParameter.grantRead writes it.
      {
        name: 'Granted',
        template: {
          Resources: {
            Policy: {
              Type: 'AWS::IAM::ManagedPolicy',
              Properties: {
                PolicyDocument: {
                  Statement: [{
                    Action: 'ssm:GetParameter',
                    Effect: 'Allow',
                    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111111111111:parameter/harmonix/environments/dev']] },
                  }],
                },
              },
            },
          },
        },
      },
      // An app of an environment that is not in this assembly: nothing to wait for.
      { name: 'Elsewhere', tags: { 'harmonix:environment': 'prod' }, template: { Resources: {} } },
    ]);
    const plan = planTeardown(readAssembly(dir));
    expect(plan.order).toEqual(['App', 'Reader', 'Resolver', 'Granted', 'Elsewhere', 'Dev', 'Qa', 'Shared']);
    expect(plan.orderReasons).toEqual([
      'App before Dev: it deploys into environment dev (its stack tag harmonix:environment), and Dev writes that environment\'s descriptor /harmonix/environments/dev',
      'Reader before Qa: it reads the descriptor of environment qa (/harmonix/environments/qa), which Qa writes',
      'Resolver before Shared: it reads the SSM parameter /shared/vpc-id, which Shared writes',
      'Granted before Dev: it reads the descriptor of environment dev (/harmonix/environments/dev), which Dev writes',
    ]);
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

describe('harmonix teardown on the example app', () => {
  // examples/environments.ts: each app's stack and the environment's stack it deploys into. The
  // apps import their environments from descriptors, so nothing in the assembly's dependencies
  // or exports joins them.
  const APPS = { HarmonixOrdersDev: 'HarmonixEcsDev', HarmonixOrdersStaging: 'HarmonixEksStaging', HarmonixShopQa: 'HarmonixServerlessQa' };
  const ENVIRONMENTS = Object.values(APPS);
  let dir: string;
  beforeAll(() => {
    dir = synthExample();
  }, 120_000);

  test('every app stack comes before the environment stacks it uses, and every app before any environment', () => {
    const plan = planTeardown(readAssembly(dir));
    expect([...plan.order].sort()).toEqual([...Object.keys(APPS), ...ENVIRONMENTS, 'HarmonixPlatform'].sort());
    const at = (stack: string) => plan.order.indexOf(stack);
    for (const [app, environment] of Object.entries(APPS)) {
      expect([app, environment, at(app) < at(environment)]).toEqual([app, environment, true]);
      expect(plan.orderReasons).toContainEqual(expect.stringMatching(new RegExp(`^${app} before ${environment}: it deploys into environment \\w+ `)));
    }
    const lastApp = Math.max(...Object.keys(APPS).map(at));
    const firstEnvironment = Math.min(...ENVIRONMENTS.map(at));
    expect(lastApp).toBeLessThan(firstEnvironment);
  });
});
