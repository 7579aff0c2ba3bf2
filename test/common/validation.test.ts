import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import { acceptFindings, wildcardResourceFindingId } from '../../src/common/nag';
import { validateCidr, validateExternalId, validateRoleArn } from '../../src/common/validation';

describe('validators', () => {
  const scope = new Stack(undefined, 'S');

  test('CIDR blocks', () => {
    expect(validateCidr(scope, 'cidr', '10.0.0.0/16')).toBe('10.0.0.0/16');
    expect(validateCidr(scope, 'cidr', '0.0.0.0/0', 0, 32)).toBe('0.0.0.0/0');
    expect(() => validateCidr(scope, 'cidr', '256.0.0.0/16')).toThrow(/S: invalid `cidr`/);
    const token = Lazy.string({ produce: () => '10.0.0.0/16' });
    expect(validateCidr(scope, 'cidr', token)).toBe(token);
  });

  test('role ARNs in other partitions and with paths', () => {
    expect(validateRoleArn(scope, 'arn', 'arn:aws-us-gov:iam::123456789012:role/path/to/runner')).toBeDefined();
    expect(() => validateRoleArn(scope, 'arn', 'arn:aws:iam::123456789012:role/')).toThrow(/not an IAM principal ARN/);
  });

  test('external ids', () => {
    expect(validateExternalId(scope, 'externalId', 'a'.repeat(8))).toBe('aaaaaaaa');
    expect(() => validateExternalId(scope, 'externalId', 'a'.repeat(1225))).toThrow(/8 to 1224/);
  });
});

describe('cdk-nag acceptances', () => {
  test('wildcard finding ids are written as cdk-nag writes them', () => {
    const stack = new Stack(undefined, 'S');
    const arn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/harmonix/dev/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    expect(wildcardResourceFindingId(stack, arn))
      .toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/harmonix/dev/*]');
  });

  test('a reason must explain itself', () => {
    expect(() => acceptFindings(new Stack(undefined, 'S'), { id: 'AwsSolutions-S1', reason: 'not needed' }))
      .toThrow(/too short to explain anything/);
  });
});
