import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { checkExactActions } from '../common/iam';

/**
 * Grants exact actions on exact resources. aws-cdk-lib's resource grants use wildcard actions
 * (`s3:GetObject*`, `kms:GenerateDataKey*`); bindings list every action they need instead.
 */
export function grantExact(
  grantee: IConstruct & iam.IGrantable, actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>,
): iam.Grant {
  checkExactActions(grantee, 'binding', actions);
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: resources, conditions });
}

/** What reading data encrypted with the environment key takes. */
export const KEY_READ_ACTIONS = ['kms:Decrypt'];
/** What writing data encrypted with the environment key takes. */
export const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** Lets the grantee use the environment key, only through the named AWS service. */
export function grantKeyVia(grantee: IConstruct & iam.IGrantable, key: kms.IKey, actions: string[], service: string, region: string): iam.Grant {
  return grantExact(grantee, actions, [key.keyArn], { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } });
}
