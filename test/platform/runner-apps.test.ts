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

  test('with gitlabCiTrust, an OIDC build role: trusted by the named project on main only, pushing to the app\'s repository only, named by /build-role-arn', () => {
    const { stack, runner } = registered();
    const shop = runner.registerApp({ appName: 'shop', gitlabCiTrust: { projectPaths: ['platform/apps/shop'], branches: ['main'] } });
    const t = Template.fromStack(stack);
    const roleId = stack.getLogicalId(shop.buildRole.node.defaultChild as any);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'harmonix-shop-build',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: { Ref: Match.stringLikeRegexp('GitlabCiProvider') } },
          Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:sub': ['project_path:platform/apps/shop:ref_type:branch:ref:main'] } },
        }],
      },
    });
    const statements = roleStatements(t, roleId);
    expect(statements.map(s => s.Sid).sort()).toEqual(['PushImages', 'SignInToEcr']);
    expect(statements.find(s => s.Sid === 'PushImages')!.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(shop.repository.node.defaultChild as any), 'Arn'] });
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/apps/shop/build-role-arn', Value: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    // The runner role may push to the runner-built app's repository, not to the OIDC-built one's.
    const runnerPush = roleStatements(t, stack.getLogicalId(runner.runnerRole.node.defaultChild as any)).find(s => s.Sid === 'PushImages')!;
    expect(JSON.stringify(runnerPush.Resource)).not.toContain(stack.getLogicalId(shop.repository.node.defaultChild as any));
  });

  test('refuses a CI trust that would let any pipeline push: a wildcard project, no ref', () => {
    const { runner } = registered();
    expect(() => runner.registerApp({ appName: 'shop', gitlabCiTrust: { projectPaths: ['platform/*'], branches: ['main'] } }))
      .toThrow(/App-shop: invalid `gitlabCiTrust.projectPaths\[0\]`: "platform\/\*" holds a wildcard/);
    expect(() => runner.registerApp({ appName: 'stock', gitlabCiTrust: { projectPaths: ['platform/apps/stock'] } }))
      .toThrow(/App-stock: invalid `gitlabCiTrust.branches`: or `tags` must name the refs that may deploy/);
  });

  test('cdk-nag AwsSolutions: no finding unaccepted', () => {
    const app = testApp();
    const { runner } = registered(app);
    runner.registerApp({ appName: 'shop', gitlabCiTrust: { projectPaths: ['platform/apps/shop'], branches: ['main'] } });
    expect(nagFindings(app)).toEqual([]);
  });
});
