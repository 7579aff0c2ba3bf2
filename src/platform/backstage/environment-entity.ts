import { EnvironmentDescriptor } from '../../contract/descriptor';

/** Annotation prefix of the environment entities. */
const ANNOTATION = 'harmonix.dev';

/**
 * The Backstage catalog entity of an environment, derived from its descriptor: a `Resource` of
 * type `aws-environment` with its account, region, stage, approval and roles as annotations.
 */
export function environmentEntity(d: EnvironmentDescriptor, owner: string): Record<string, unknown> {
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
      },
    },
    spec: {
      type: 'aws-environment',
      owner,
    },
  };
}
