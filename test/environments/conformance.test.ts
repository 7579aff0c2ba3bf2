import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HarmonixEnvironment } from '../../src';
import { describeEnvironment } from '../../src/contract/descriptor';
import { BACKSTAGE_ROLE_ARN, PIPELINE_ROLE_ARN, testApp, testStack } from '../fixtures/app';
import { deployedDescriptorJson, leaves } from '../fixtures/deployed';
import { ENVIRONMENT_CASES } from '../fixtures/kinds';
import { nagFindings } from '../fixtures/nag';

/** Types that hold data, and so must survive the deletion of the stack by default. */
const DATA_TYPES = ['AWS::KMS::Key', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket'];
/** Types every environment has, which must carry the environment tag. */
const TAGGED_TYPES = ['AWS::KMS::Key', 'AWS::DynamoDB::Table', 'AWS::IAM::Role', 'AWS::SSM::Parameter'];

/** Every kind and option set must pass these; a new kind joins in test/fixtures/kinds.ts. */
describe.each(ENVIRONMENT_CASES)('conformance: $name', ({ create }) => {
  const app = testApp();
  const stack = testStack(app);
  const env = create(stack);
  const template = Template.fromStack(stack);
  // The environment's own resources: stack-wide providers that aws-cdk-lib adds are not its.
  const own = new Set(env.node.findAll().filter(CfnResource.isCfnResource).map(c => stack.getLogicalId(c as CfnResource)));
  const resources = Object.entries(template.toJSON().Resources as Record<string, any>).filter(([id]) => own.has(id));

  test('cdk-nag AwsSolutionsChecks: zero unsuppressed errors and warnings', () => {
    const nagApp = testApp();
    create(testStack(nagApp));
    expect(nagFindings(nagApp)).toEqual([]);
  });

  test('every tagged resource carries harmonix:environment, and the core resources are tagged', () => {
    const tagOf = (r: any) => {
      const tags = r.Properties?.Tags;
      return Array.isArray(tags) ? tags.find((t: any) => t.Key === 'harmonix:environment')?.Value : tags?.['harmonix:environment'];
    };
    for (const [id, resource] of resources.filter(([, r]) => r.Properties?.Tags !== undefined)) {
      expect([id, tagOf(resource)]).toEqual([id, 'dev']);
    }
    for (const type of TAGGED_TYPES) {
      const ofType = resources.filter(([, r]) => r.Type === type);
      expect([type, ofType.length > 0]).toEqual([type, true]);
      ofType.forEach(([id, r]) => expect([id, tagOf(r)]).toEqual([id, 'dev']));
    }
  });

  test('roles that AWS accounts may assume trust exactly the given roles, never an account', () => {
    const trusted = resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement)
      .filter((s: any) => s.Principal?.AWS !== undefined)
      .flatMap((s: any) => [s.Principal.AWS].flat());
    expect(new Set(trusted)).toEqual(new Set([PIPELINE_ROLE_ARN, BACKSTAGE_ROLE_ARN]));
  });

  test('every function of the stack, aws-cdk-lib\'s providers included, logs into a group of the environment with its key and a retention', () => {
    const all = template.toJSON().Resources as Record<string, any>;
    const functions = Object.entries(all).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    const groupOf = (ref: any) => (ref?.Ref && all[ref.Ref]?.Type === 'AWS::Logs::LogGroup' ? all[ref.Ref].Properties : undefined);
    for (const [id, fn] of functions) {
      const group = groupOf(fn.Properties.LoggingConfig?.LogGroup);
      expect([id, group?.KmsKeyId !== undefined, group?.RetentionInDays !== undefined]).toEqual([id, true, true]);
    }
  });

  test('data stores are retained', () => {
    const data = resources.filter(([, r]) => DATA_TYPES.includes(r.Type));
    expect(data.length).toBeGreaterThan(2);
    for (const [id, resource] of data) {
      expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
    }
  });

  test('lossless round trip: imported from its deployed descriptor in another app, it describes itself field by field the same', () => {
    const published = JSON.parse(deployedDescriptorJson(template, 'Env'));
    const consumer = testStack(testApp(), { id: 'Consumer' });
    const imported = HarmonixEnvironment.fromDescriptorJson(consumer, 'Imported', JSON.stringify(published));
    expect(leaves(describeEnvironment(imported, imported.descriptor))).toEqual(leaves(published));
    expect(leaves(imported.descriptor)).toEqual(leaves(published));
    // The owned environment's own views agree with what it published.
    expect(Object.keys(leaves(env.descriptor)).sort()).toEqual(Object.keys(leaves(published)).sort());
    expect([imported.kind, !!imported.ecs, !!imported.serverless, !!imported.eks, !!imported.vpc])
      .toEqual([env.kind, !!env.ecs, !!env.serverless, !!env.eks, !!env.vpc]);
  });
});
