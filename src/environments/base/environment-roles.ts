import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUDIT_BY_ACTOR_INDEX } from './audit-table';
import { webIdentityPrincipal, WebIdentityTrust } from '../../common/ci-trust';
import { addScopedStatements } from '../../common/iam';
import { bootstrapRoleName, environmentRoleName } from '../../common/naming';
import { ENVIRONMENT_TAG } from '../../common/tags';

/**
 * One least-privilege statement for an environment role. Actions are exact (a `*` in an action
 * is refused); a resource ARN that holds `*` needs `wildcardReason`, recorded as the accepted
 * cdk-nag finding of that resource.
 */
export interface EnvironmentGrant {
  /** Statement id, so the policy reads as a list of purposes. */
  readonly sid: string;
  /** Exact IAM actions. */
  readonly actions: string[];
  /** Resource ARNs. */
  readonly resources: string[];
  /**
   * Limit the statement to resources tagged `harmonix:environment=<name>`.
   * @default false
   */
  readonly onlyTaggedResources?: boolean;
  /**
   * IAM conditions of the statement, as in `iam.PolicyStatementProps.conditions`, for example
   * `{ ArnEquals: { 'ecs:cluster': clusterArn } }`. Required when a resource is `*` (an API with
   * no resource ARN): the condition is then the statement's scope.
   * @default - none
   */
  readonly conditions?: { [operator: string]: any };
  /**
   * Why a `*` inside a resource ARN still stays within this environment.
   * @default - none; required when a resource holds `*`
   */
  readonly wildcardReason?: string;
}

/** What a principal of the environment does with its key to read and write its data. */
export const ENVIRONMENT_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/** What the operations role may do on a log group it reads: streams, events, Logs Insights. */
export const LOG_READ_ACTIONS = ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery'];

/** How one environment role is made. */
export interface EnvironmentRoleOptions {
  readonly environmentName: string;
  /** `provisioning` or `operations`: part of the role name. */
  readonly purpose: string;
  readonly description: string;
  /** The only principals the role trusts. */
  readonly trustedRoleArns: readonly string[];
  /** sts:ExternalId every trusted role must pass, if set. */
  readonly externalId?: string;
  /** CI identities (OIDC) that may assume the role with their tokens. */
  readonly webIdentities?: WebIdentityTrust[];
}

/** Creates a role that trusts exactly the given roles, optionally behind an external id. */
export function createEnvironmentRole(scope: Construct, id: string, options: EnvironmentRoleOptions): iam.Role {
  const roles = options.trustedRoleArns.map(arn => new iam.ArnPrincipal(arn));
  const identities = (options.webIdentities ?? []).map(webIdentityPrincipal);
  // The external id condition applies to the trusted roles' statement only: a web identity
  // token proves its caller by its own audience and subject.
  const [first, ...others] = roles.length > 0 ? [new iam.CompositePrincipal(...roles), ...identities] : identities;
  const role = new iam.Role(scope, id, {
    roleName: environmentRoleName(options.environmentName, options.purpose),
    description: options.description,
    assumedBy: first,
    externalIds: options.externalId && roles.length > 0 ? [options.externalId] : undefined,
    maxSessionDuration: Duration.hours(1),
  });
  others.forEach(principal => role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
    actions: [principal.assumeRoleAction], principals: [principal], conditions: (principal as iam.PrincipalWithConditions).conditions,
  })));
  return role;
}

/** Statement ids already used per role. */
const statementIds = new WeakMap<iam.Role, Set<string>>();

/**
 * Adds one statement to an environment role. This is the only way the environment roles get
 * permissions, so the rules hold in one place: no wildcard action, and every wildcard inside a
 * resource ARN carries the reason it stays scoped (recorded as a cdk-nag acceptance of that
 * exact finding on the role).
 */
export function grantScoped(role: iam.Role, grant: EnvironmentGrant, environmentName: string): void {
  const sids = statementIds.get(role) ?? new Set<string>();
  statementIds.set(role, sids);
  if (sids.has(grant.sid)) {
    throw new Error(`${role.node.path}: statement id ${grant.sid} is already used on this role; give each grant its own sid.`);
  }
  sids.add(grant.sid);
  if (grant.resources.includes('*') && Object.keys(grant.conditions ?? {}).length === 0 && !grant.onlyTaggedResources) {
    throw new Error(`${role.node.path}: statement ${grant.sid} has the resource "*" without a condition; scope it with the service's condition keys.`);
  }
  const conditions = grant.onlyTaggedResources
    ? { ...grant.conditions, StringEquals: { ...grant.conditions?.StringEquals, [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: environmentName } }
    : grant.conditions;
  addScopedStatements(role, role, {
    sid: grant.sid, actions: grant.actions, resources: grant.resources, conditions, wildcardReason: grant.wildcardReason,
  });
}

/** What the base policy of the environment roles refers to. */
export interface BasePolicyTargets {
  readonly environmentName: string;
  readonly cdkBootstrapQualifier: string;
  readonly descriptorParameterName: string;
  readonly logGroupPrefix: string;
  readonly kmsKeyArn: string;
  readonly auditTableArn: string;
  /** The audit writer function, whose IAM-authenticated URL both roles call to add records. */
  readonly auditWriterArn: string;
  /** Adds a statement to the provisioning role. */
  readonly grantProvisioning: (grant: EnvironmentGrant) => void;
  /** Adds a statement to the operations role. */
  readonly grantOperations: (grant: EnvironmentGrant) => void;
}

/**
 * Audit records are added only through the audit writer's IAM-authenticated URL (which stamps
 * the caller); neither role may write to the table itself, nor invoke the writer directly with
 * a request it made up.
 */
function auditWriterGrants(auditWriterArn: string): EnvironmentGrant[] {
  return [
    {
      sid: 'AddAuditRecordsThroughWriterUrl',
      actions: ['lambda:InvokeFunctionUrl'],
      resources: [auditWriterArn],
      conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    },
    {
      sid: 'InvokeAuditWriterOnlyViaUrl',
      actions: ['lambda:InvokeFunction'],
      resources: [auditWriterArn],
      conditions: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ];
}

/** What both roles may do in every environment, whatever its runtime. */
export function grantBasePolicy(scope: Construct, t: BasePolicyTargets): void {
  const stack = Stack.of(scope);
  const bootstrapRoles = ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(purpose => stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: bootstrapRoleName(t.cdkBootstrapQualifier, purpose, stack.account, stack.region),
  }));
  const descriptorArn = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: t.descriptorParameterName.substring(1) });
  const logGroups = (suffix: string) => stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: `${t.logGroupPrefix}*${suffix}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

  t.grantProvisioning({ sid: 'AssumeCdkBootstrapRoles', actions: ['sts:AssumeRole', 'sts:TagSession'], resources: bootstrapRoles });
  t.grantProvisioning({ sid: 'ReadEnvironmentDescriptor', actions: ['ssm:GetParameter'], resources: [descriptorArn] });
  t.grantProvisioning({ sid: 'UseEnvironmentKey', actions: ENVIRONMENT_KEY_ACTIONS, resources: [t.kmsKeyArn] });

  auditWriterGrants(t.auditWriterArn).forEach(grant => t.grantProvisioning(grant));

  t.grantOperations({ sid: 'ReadEnvironmentDescriptor', actions: ['ssm:GetParameter'], resources: [descriptorArn] });
  auditWriterGrants(t.auditWriterArn).forEach(grant => t.grantOperations(grant));
  t.grantOperations({
    sid: 'ReadAuditRecords',
    actions: ['dynamodb:GetItem', 'dynamodb:Query'],
    resources: [t.auditTableArn, `${t.auditTableArn}/index/${AUDIT_BY_ACTOR_INDEX}`],
  });
  t.grantOperations({ sid: 'UseEnvironmentKey', actions: ENVIRONMENT_KEY_ACTIONS, resources: [t.kmsKeyArn] });
  t.grantOperations({
    sid: 'ReadEnvironmentLogs',
    actions: LOG_READ_ACTIONS,
    resources: [logGroups(''), logGroups(':log-stream:*')],
    wildcardReason: `Log groups are limited to the environment prefix ${t.logGroupPrefix}; the wildcard covers the apps' log groups and streams under it.`,
  });
  t.grantOperations({
    sid: 'ListLogGroups',
    actions: ['logs:DescribeLogGroups'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    wildcardReason: 'DescribeLogGroups is authorized against every log group of the account and region at once; it returns names, retention and sizes, never log events, which stay limited to the environment prefix.',
  });
  t.grantOperations({
    sid: 'ReadLogQueryResults',
    actions: ['logs:GetQueryResults', 'logs:StopQuery'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    wildcardReason: 'GetQueryResults and StopQuery take only a query id and have no resource ARN; queries can only be started (StartQuery) on the log groups granted above, and the region is fixed by condition.',
  });
  t.grantOperations({
    sid: 'FindAppResources',
    actions: ['tag:GetResources'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    wildcardReason: 'tag:GetResources has no resource ARN: it lists the ARNs and tags of resources (never their data), with which harmonix app finds an app by its tags; the region is fixed by condition.',
  });
  t.grantOperations({
    sid: 'ReadAppUrls',
    actions: ['ssm:GetParameter'],
    resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `harmonix/apps/*/${t.environmentName}/url` })],
    wildcardReason: `The wildcard stands for the app's name: the URL parameter each app's stack writes for environment ${t.environmentName}, and nothing else under /harmonix/apps.`,
  });
  t.grantOperations({
    sid: 'DescribeEnvironmentStacks',
    actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources'],
    resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*' })],
    onlyTaggedResources: true,
    wildcardReason: `Stack names are chosen per app; the statement is limited to stacks tagged harmonix:environment=${t.environmentName}.`,
  });
}
