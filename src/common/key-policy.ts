import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/** What a principal that reads and writes data encrypted with a key does with it (an AWS service, or a role named in the key's policy). */
const KEY_USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/**
 * Lets one AWS service principal use the environment key, only under the given conditions
 * (which name what it may encrypt for). A key policy statement's resource is the key itself.
 */
export function allowServiceToUseKey(key: kms.IKey, sid: string, service: string, conditions: Record<string, Record<string, unknown>>): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal(service)],
    actions: KEY_USE_ACTIONS,
    resources: ['*'],
    conditions,
  }));
}

/** Lets CloudWatch Logs use the key only for the log groups whose names start with `prefix`. */
export function allowLogsToUseKey(key: kms.IKey, sid: string, prefix: string): void {
  allowLogsToUseKeyFor(key, sid, `${prefix}*`);
}

/**
 * Lets CloudWatch Logs use the key for the PostgreSQL logs of Aurora clusters, which RDS names
 * `/aws/rds/cluster/<identifier>/postgresql`. The identifier is generated with the cluster, which
 * the key encrypts, so the key's policy names the pattern, not the one cluster.
 */
export function allowPostgresLogsToUseKey(key: kms.IKey, sid: string): void {
  allowLogsToUseKeyFor(key, sid, '/aws/rds/cluster/*/postgresql');
}

/** Lets CloudWatch Logs use the key only for the log groups whose names match `pattern` (`*` for any part). */
function allowLogsToUseKeyFor(key: kms.IKey, sid: string, pattern: string): void {
  const stack = Stack.of(key);
  allowServiceToUseKey(key, sid, `logs.${stack.region}.amazonaws.com`, {
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: pattern, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    },
  });
}

/**
 * Lets an AWS service-linked role of the key's account use the key for the resources it creates
 * (EC2 Auto Scaling launching encrypted volumes, for example), grants included. The role is named
 * by an `aws:PrincipalArn` condition, not as principal, so the key deploys before the role exists
 * in a new account (a key policy naming a missing principal is refused).
 */
export function allowServiceLinkedRoleToUseKey(key: kms.IKey, sid: string, service: string, roleName: string): void {
  const stack = Stack.of(key);
  const roleArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `aws-service-role/${service}/${roleName}` });
  const conditions = { ArnEquals: { 'aws:PrincipalArn': roleArn }, StringEquals: { 'kms:CallerAccount': stack.account } };
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid, principals: [new iam.AnyPrincipal()], actions: [...KEY_USE_ACTIONS, 'kms:GenerateDataKeyWithoutPlaintext'], resources: ['*'], conditions,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: `${sid}Grants`,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { ...conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }));
}

/**
 * Names the principals that may use a key in its own policy, so that they may use it even where
 * the key's policy does not let the account's IAM policies grant its use.
 */
export function allowPrincipalsToUseKey(key: kms.IKey, sid: string, principals: iam.IPrincipal[]): void {
  key.addToResourcePolicy(new iam.PolicyStatement({ sid, principals, actions: KEY_USE_ACTIONS, resources: ['*'] }));
}
