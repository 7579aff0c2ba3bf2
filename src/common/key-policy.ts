import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/** What an AWS service that writes encrypted data for the environment does with its key. */
const SERVICE_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/**
 * Lets one AWS service principal use the environment key, only under the given conditions
 * (which name what it may encrypt for). A key policy statement's resource is the key itself.
 */
export function allowServiceToUseKey(key: kms.IKey, sid: string, service: string, conditions: Record<string, Record<string, unknown>>): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal(service)],
    actions: SERVICE_KEY_ACTIONS,
    resources: ['*'],
    conditions,
  }));
}

/** Lets CloudWatch Logs use the key only for the log groups whose names start with `prefix`. */
export function allowLogsToUseKey(key: kms.IKey, sid: string, prefix: string): void {
  const stack = Stack.of(key);
  allowServiceToUseKey(key, sid, `logs.${stack.region}.amazonaws.com`, {
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    },
  });
}
