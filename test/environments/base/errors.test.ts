import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EcsEnvironment, ServerlessEnvironment } from '../../../src';
import { baseProps, testStack } from '../../fixtures/app';

const ecs = (overrides: Record<string, unknown>) => () => new EcsEnvironment(testStack(), 'Dev', baseProps(overrides));
const serverless = (overrides: Record<string, unknown>) => () => new ServerlessEnvironment(testStack(), 'Qa', baseProps(overrides));

describe('bad input gets one clear error naming the construct and the prop', () => {
  test.each([
    ['empty name', { environmentName: '' }, /Workload\/Dev: invalid `environmentName`: "" must be 2 to 32 characters/],
    ['upper-case name', { environmentName: 'Dev' }, /invalid `environmentName`: "Dev"/],
    ['name with a double hyphen', { environmentName: 'my--env' }, /invalid `environmentName`/],
    ['name too long', { environmentName: 'a'.repeat(33) }, /invalid `environmentName`/],
    ['name ending in a hyphen', { environmentName: 'dev-' }, /invalid `environmentName`/],
  ])('%s', (_case, props, error) => expect(ecs(props)).toThrow(error));

  test.each([
    ['not a CIDR', { vpcCidr: '10.0.0.0' }, /invalid `vpcCidr`: "10.0.0.0" is not an IPv4 CIDR block/],
    ['octet out of range', { vpcCidr: '10.300.0.0/16' }, /invalid `vpcCidr`/],
    ['prefix too large', { vpcCidr: '10.0.0.0/8' }, /invalid `vpcCidr`: "10.0.0.0\/8" has prefix \/8; use a prefix between \/16 and \/24/],
    ['host bits set', { vpcCidr: '10.0.1.0/16' }, /has host bits set/],
    ['zero AZs', { maxAzs: 0 }, /invalid `maxAzs`: 0 is out of range; use a whole number from 1 to 6/],
    ['seven AZs', { maxAzs: 7 }, /invalid `maxAzs`: 7 is out of range/],
    ['fractional AZs', { maxAzs: 1.5 }, /invalid `maxAzs`/],
    ['more NAT gateways than AZs', { maxAzs: 2, natGateways: 3 }, /invalid `natGateways`: 3 is out of range; use a whole number from 0 to 2/],
    ['stage 0', { stage: 0 }, /invalid `stage`/],
  ])('%s', (_case, props, error) => expect(ecs(props)).toThrow(error));

  test.each([
    ['a role ARN that is not an ARN', { provisioningTrustedRoleArns: ['gitlab-runner'] }, /invalid `provisioningTrustedRoleArns\[0\]`: "gitlab-runner" is not an IAM principal ARN/],
    ['a user ARN', { operationsTrustedRoleArns: ['arn:aws:iam::123456789012:user/alice'] }, /invalid `operationsTrustedRoleArns\[0\]`/],
    ['an account root', { operationsTrustedRoleArns: ['arn:aws:iam::123456789012:root'] }, /invalid `operationsTrustedRoleArns\[0\]`: .* trusts a whole account/],
    ['a short account id', { provisioningTrustedRoleArns: ['arn:aws:iam::1234:role/x'] }, /invalid `provisioningTrustedRoleArns\[0\]`/],
    ['no trusted role', { provisioningTrustedRoleArns: [] }, /invalid `provisioningTrustedRoleArns`: must name at least one pipeline role ARN/],
    ['an external id that is too short', { externalId: 'abc' }, /invalid `externalId`: must be 8 to 1224 characters/],
    ['an external id with spaces', { externalId: 'has spaces in it' }, /invalid `externalId`/],
    ['a bad bootstrap qualifier', { cdkBootstrapQualifier: 'My-Qualifier' }, /invalid `cdkBootstrapQualifier`/],
  ])('%s', (_case, props, error) => expect(ecs(props)).toThrow(error));

  test('VPC settings without a VPC to create', () => {
    expect(serverless({ natGateways: 2 })).toThrow(/Workload\/Qa: invalid `natGateways`: applies only when the environment creates a VPC; set `createVpc: true` or pass `vpc`/);
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2 });
    expect(() => new EcsEnvironment(stack, 'Dev', baseProps({ vpc, vpcCidr: '10.1.0.0/16' })))
      .toThrow(/invalid `vpcCidr`: applies only to a VPC this construct creates/);
  });

  test('more than two AZs in an environment-agnostic stack', () => {
    expect(() => new EcsEnvironment(testStack(undefined, { agnostic: true }), 'Dev', baseProps({ maxAzs: 3 })))
      .toThrow(/invalid `maxAzs`: 3 needs a stack with a concrete account and region/);
  });

  test('serverless limits', () => {
    expect(serverless({ noncurrentArtifactExpirationDays: 0 })).toThrow(/Workload\/Qa: invalid `noncurrentArtifactExpirationDays`/);
  });

  test('valid input passes', () => {
    expect(ecs({ environmentName: 'payments-prod', vpcCidr: '172.16.0.0/20', maxAzs: 3, natGateways: 0, externalId: 'a-long-external-id' })).not.toThrow();
  });
});
