import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentDescriptor } from '../../contract/descriptor';

/** Annotation prefix of the environment entities. */
const ANNOTATION = 'harmonix.dev';

/**
 * The Backstage catalog entity of an environment, derived from its descriptor: a `Resource` of
 * type `aws-environment` with its account, region, stage, approval and roles as annotations, and
 * the whole descriptor as JSON (`harmonix.dev/descriptor`): what the scaffolder module writes into a
 * new app's repo, read on the server from the catalog, so the portal needs no read of another
 * account's SSM to create an app.
 */
export function environmentEntity(scope: Construct, d: EnvironmentDescriptor, owner: string): Record<string, unknown> {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: d.name,
      title: `Environment ${d.name}`,
      description: d.description,
      tags: ['harmonix', d.kind.toLowerCase()],
      annotations: {
        [`${ANNOTATION}/account`]: d.account,
        [`${ANNOTATION}/region`]: d.region,
        [`${ANNOTATION}/kind`]: d.kind,
        [`${ANNOTATION}/stage`]: String(d.stage),
        [`${ANNOTATION}/require-approval`]: String(d.requireApproval),
        [`${ANNOTATION}/operations-role-arn`]: d.operationsRoleArn,
        [`${ANNOTATION}/provisioning-role-arn`]: d.provisioningRoleArn,
        [`${ANNOTATION}/audit-table-arn`]: d.auditTableArn,
        [`${ANNOTATION}/log-group-prefix`]: d.logGroupPrefix,
        [`${ANNOTATION}/descriptor-parameter`]: `/harmonix/environments/${d.name}`,
        [`${ANNOTATION}/descriptor`]: Stack.of(scope).toJsonString(d),
      },
    },
    spec: {
      type: 'aws-environment',
      owner,
    },
  };
}
