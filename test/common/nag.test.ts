import * as s3 from 'aws-cdk-lib/aws-s3';
import { EcsEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, testApp, testStack } from '../fixtures/app';
import { nagFindings } from '../fixtures/nag';

describe('cdk-nag AwsSolutionsChecks', () => {
  // Every kind and option set is checked in test/environments/conformance.test.ts.
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
