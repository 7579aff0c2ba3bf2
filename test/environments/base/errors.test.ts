import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EcsEnvironment, ServerlessEnvironment } from '../../../src';
import { baseProps, testApp, testStack } from '../../fixtures/app';

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
    ['a description beyond what the descriptor holds', { description: 'x'.repeat(1025) }, /Workload\/Dev: invalid `description`: has 1025 characters; give at most 1024/],
    ['a Cloud Map namespace that is no DNS name', { namespaceName: 'dev_internal' }, /Workload\/Dev: invalid `namespaceName`: "dev_internal" is not a domain name/],
    ['a description of several lines', { description: 'first\nsecond' }, /Workload\/Dev: invalid `description`: holds a line break/],
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

  test('more AZs than the region offers the account', () => {
    // cdk.context.json records 3 zones for the test account in eu-west-1.
    expect(ecs({ maxAzs: 4, natGateways: 1 })).toThrow(/invalid `maxAzs`: 4 is more than the 3 availability zones eu-west-1 offers this account \(eu-west-1a, eu-west-1b, eu-west-1c\); use 3 or fewer/);
    expect(ecs({ maxAzs: 3 })).not.toThrow();
  });

  test('a token as stage', () => {
    expect(ecs({ stage: Token.asNumber(Lazy.number({ produce: () => 3 })) }))
      .toThrow(/Workload\/Dev: invalid `stage`: must be a literal number, not a token: it orders delivery and decides approvals at synth time/);
  });

  test('two environments with one name in one account, or two in one stack', () => {
    const app = testApp();
    new EcsEnvironment(testStack(app, { id: 'First' }), 'Dev', baseProps());
    expect(() => new ServerlessEnvironment(testStack(app, { id: 'Second' }), 'Dev', baseProps()))
      .toThrow(/Second\/Dev: invalid `environmentName`: "dev" is already the name of First\/Dev in the same account/);
    const elsewhere = new Stack(app, 'OtherAccount', { env: { account: '999999999999', region: 'eu-west-1' } });
    expect(() => new ServerlessEnvironment(elsewhere, 'Dev', baseProps())).not.toThrow();
    expect(() => new ServerlessEnvironment(app.node.findChild('First') as Stack, 'Qa', baseProps({ environmentName: 'qa' })))
      .toThrow(/First\/Qa: invalid `scope`: stack First already holds environment dev \(First\/Dev\); give each environment its own stack/);
  });

  test('a certificate that a load balancer of this account and region cannot use', () => {
    const lb = (certificateArn: string) => ecs({ sharedLoadBalancer: { certificateArn } });
    expect(lb('my-certificate')).toThrow(/invalid `sharedLoadBalancer.certificateArn`: "my-certificate" is not an ACM certificate ARN such as "arn:aws:acm:eu-west-1:111111111111:certificate\/<id>"/);
    expect(lb('arn:aws:acm:us-east-1:111111111111:certificate/abc')).toThrow(/the certificate is in us-east-1, but a load balancer can only use ACM certificates of its own region eu-west-1/);
    expect(lb('arn:aws:acm:eu-west-1:222222222222:certificate/abc')).toThrow(/the certificate belongs to account 222222222222, but .* its own account 111111111111/);
    expect(lb('arn:aws:iam::111111111111:server-certificate/legacy')).not.toThrow();
  });

  test('a grant that reuses a statement id', () => {
    const env = new ServerlessEnvironment(testStack(), 'Qa', baseProps({ environmentName: 'qa' }));
    expect(() => env.grantOperations({ sid: 'ReadEnvironmentDescriptor', actions: ['ssm:GetParameter'], resources: ['arn:aws:ssm:eu-west-1:111111111111:parameter/x'] }))
      .toThrow(/Workload\/Qa\/OperationsRole: statement id ReadEnvironmentDescriptor is already used on this role; give each grant its own sid/);
  });

  test('serverless limits', () => {
    expect(serverless({ noncurrentArtifactExpirationDays: 0 })).toThrow(/Workload\/Qa: invalid `noncurrentArtifactExpirationDays`/);
  });

  test('valid input passes', () => {
    expect(ecs({ environmentName: 'payments-prod', vpcCidr: '172.16.0.0/20', maxAzs: 3, natGateways: 0, externalId: 'a-long-external-id' })).not.toThrow();
  });
});
