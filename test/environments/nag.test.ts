import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EcsEnvironment, ServerlessEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, EXTERNAL_ID, testApp, testStack } from '../fixtures/app';
import { nagFindings } from '../fixtures/nag';

describe('cdk-nag AwsSolutionsChecks', () => {
  test.each([
    ['ECS environment, defaults', (s: Stack) => new EcsEnvironment(s, 'Dev', baseProps())],
    ['ECS environment, shared load balancer, 3 AZs, HA NAT', (s: Stack) => new EcsEnvironment(s, 'Dev', baseProps({
      externalId: EXTERNAL_ID, maxAzs: 3, natGateways: 3, sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN },
    }))],
    ['serverless environment, defaults', (s: Stack) => new ServerlessEnvironment(s, 'Qa', baseProps({ environmentName: 'qa' }))],
    ['serverless environment with a VPC', (s: Stack) => new ServerlessEnvironment(s, 'Qa', baseProps({ environmentName: 'qa', createVpc: true }))],
  ])('%s: zero unsuppressed errors and warnings', (_case, create) => {
    const app = testApp();
    create(testStack(app));
    expect(nagFindings(app)).toEqual([]);
  });

  test('an environment-agnostic stack passes too', () => {
    const app = testApp();
    new EcsEnvironment(testStack(app, { agnostic: true }), 'Dev', baseProps());
    expect(nagFindings(app)).toEqual([]);
  });

  test('the check is not vacuous: a bare bucket is reported', () => {
    const app = testApp();
    new s3.Bucket(testStack(app), 'Bare');
    const findings = nagFindings(app);
    expect(findings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-S1 error Workload\/Bare/),
      expect.stringMatching(/^AwsSolutions-S10 error Workload\/Bare/),
    ]));
  });

  test('suppressions are resource-level: the same finding elsewhere is still reported', () => {
    const app = testApp();
    const stack = testStack(app);
    new EcsEnvironment(stack, 'Dev', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
    new s3.Bucket(stack, 'Other', { enforceSSL: true });
    expect(nagFindings(app)).toEqual([expect.stringMatching(/^AwsSolutions-S1 error Workload\/Other/)]);
  });
});
