import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GitlabRunner, HarmonixEnvironment } from '../../src';
import { testApp, TEST_ENV } from '../fixtures/app';
import { roleStatements } from '../fixtures/iam';
import { nagFindings } from '../fixtures/nag';
import { specDescriptor } from '../fixtures/pipelines';

/** A platform stack with a runner and the orders app registered, its environments in two accounts. */
function registered(app = testApp()) {
  const stack = new Stack(app, 'Platform', { env: TEST_ENV });
  const runner = new GitlabRunner(stack, 'Runner', {});
  const environments = [
    HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', specDescriptor({ kind: 'ECS', name: 'dev', stage: 1 })),
    HarmonixEnvironment.fromDescriptorJson(stack, 'Qa', specDescriptor({ kind: 'ECS', name: 'qa', stage: 2, account: '333333333333' })),
  ];
  const orders = runner.registerApp({ appName: 'orders', environments, maxImageCount: 30 });
  return { app, stack, runner, orders };
}

describe('GitlabRunner.registerApp: an app built on the runners', () => {
  test('its repository: immutable tags, scanned, the runner\'s key, a lifecycle, pulled by its environments\' accounts', () => {
    const { stack } = registered();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'orders',
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RunnerKey'), 'Arn'] } },
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"countNumber":30') },
      RepositoryPolicyText: {
        Statement: [Match.objectLike({
          Sid: 'PullFromTheEnvironments',
          Principal: {
            AWS: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] },
            ],
          },
        })],
      },
    });
    const [repository] = Object.values<any>(t.findResources('AWS::ECR::Repository'));
    expect(repository.DeletionPolicy).toBe('Retain');
  });

  test('the runner role may push to it; the parameters name the repository and the role the build pushes as', () => {
    const { stack, runner, orders } = registered();
    const t = Template.fromStack(stack);
    const push = roleStatements(t, stack.getLogicalId(runner.runnerRole.node.defaultChild as any)).find(s => s.Sid === 'PushImages')!;
    expect(push.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(orders.repository.node.defaultChild as any), 'Arn'] });
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/harmonix/apps/orders/image-repository',
      Value: { 'Fn::Join': ['', Match.arrayWith([{ Ref: stack.getLogicalId(orders.repository.node.defaultChild as any) }])] },
    });
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/harmonix/apps/orders/build-role-arn',
      Value: { 'Fn::GetAtt': [stack.getLogicalId(runner.runnerRole.node.defaultChild as any), 'Arn'] },
    });
  });

  test('refuses an app name that is not one, and an app registered twice', () => {
    const { runner } = registered();
    expect(() => runner.registerApp({ appName: 'Orders' })).toThrow(/Platform\/Runner: invalid `appName`: "Orders" is not a DNS label/);
    expect(() => runner.registerApp({ appName: 'orders' })).toThrow(/Platform\/Runner: invalid `appName`: "orders" is registered already; register each app once./);
    expect(() => runner.registerApp({ appName: 'shop', maxImageCount: 0 })).toThrow(/invalid `maxImageCount`/);
  });

  test('cdk-nag AwsSolutions: no finding unaccepted', () => {
    const app = testApp();
    registered(app);
    expect(nagFindings(app)).toEqual([]);
  });
});
