import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENVIRONMENT_KEY_ACTIONS } from './environment-roles';
import { acceptWildcardResources, checkExactActions } from '../../common/iam';
import { appBoundaryName, appBucketNamePattern, appDeployPolicyName, appRolePath } from '../../common/naming';
import { ENVIRONMENT_TAG } from '../../common/tags';
import { IEcsRuntime } from '../../contract/runtimes/ecs';
import { IEksRuntime } from '../../contract/runtimes/eks';
import { IServerlessRuntime } from '../../contract/runtimes/serverless';

/** What the app-deploy policies and the boundary of an environment refer to. */
export interface AppDeployTargets {
  readonly environmentName: string;
  readonly cdkBootstrapQualifier: string;
  readonly logGroupPrefix: string;
  readonly kmsKeyArn: string;
  readonly vpcId?: string;
  readonly ecs?: IEcsRuntime;
  readonly serverless?: IServerlessRuntime;
  readonly eks?: IEksRuntime;
}

/** The policies CloudFormation deploys app stacks with, and the boundary of every app role. */
export interface AppDeployPolicies {
  /** The execution policies, for `cdk bootstrap --cloudformation-execution-policies`. */
  readonly executionPolicies: iam.ManagedPolicy[];
  /** The permissions boundary every role of an app stack carries. */
  readonly boundary: iam.ManagedPolicy;
}

/** One statement and, where a resource holds `*`, why that stays within the environment. */
interface Rule {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  readonly deny?: boolean;
  readonly reason?: string;
}

/** Why a statement limited to the environment's tag stays within it. */
const taggedReason = (env: string) => `Resources tagged harmonix:environment=${env} (CloudFormation tags every resource of an app stack so).`;
const TAGGED = (env: string) => ({ StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env } });
const TAGGING = (env: string) => ({ StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env } });
/** Read-only calls that IAM authorizes against `*` only. */
const DESCRIBE_ONLY = 'Describe and list calls have no resource-level permissions; they read, never change.';

/**
 * The scoped CloudFormation execution policies of an environment, and the permissions boundary
 * of app roles. App stacks deploy through the CDK bootstrap of the environment's qualifier;
 * bootstrapped with these policies instead of AdministratorAccess, CloudFormation can create
 * only what the application constructs create, in this environment: its log groups, its
 * cluster's services, rules on its own listener, resources tagged with it, and roles under its
 * path that carry its boundary.
 */
export function createAppDeployPolicies(scope: Construct, t: AppDeployTargets): AppDeployPolicies {
  const stack = Stack.of(scope);
  const env = t.environmentName;
  const arn = (service: string, resource: string, resourceName?: string, format = ArnFormat.SLASH_RESOURCE_NAME) =>
    stack.formatArn({ service, resource, resourceName, arnFormat: format });
  const iamArn = (resource: string, name: string) => stack.formatArn({ service: 'iam', region: '', resource, resourceName: name });
  const path = appRolePath(env);
  const appRoles = iamArn('role', `${path.substring(1)}*`);

  const boundary = new iam.ManagedPolicy(scope, 'AppBoundary', {
    managedPolicyName: appBoundaryName(env),
    description: `harmonix-cdk: the most any role of an app in environment ${env} may do`,
  });
  addRules(boundary, boundaryRules(t, arn, stack));

  const iamRules: Rule[] = [
    {
      sid: 'AppRolesCarryTheBoundary',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary'],
      resources: [appRoles],
      conditions: { StringEquals: { 'iam:PermissionsBoundary': boundary.managedPolicyArn } },
      reason: `Roles of app stacks are created under the path ${path} (CloudFormation names them), and only with the environment's boundary.`,
    },
    {
      sid: 'ManageAppRoles',
      actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:TagRole', 'iam:UntagRole',
        'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole'],
      resources: [appRoles],
      reason: `Roles under the path ${path} belong to the environment's apps.`,
    },
    {
      sid: 'PassAppRolesToTheirServices',
      actions: ['iam:PassRole'],
      resources: [appRoles],
      conditions: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com'] } },
      reason: `Roles under the path ${path} are passed to ECS tasks and Lambda functions only.`,
    },
    {
      sid: 'PassScalingServiceLinkedRole',
      actions: ['iam:PassRole'],
      resources: [iamArn('role', 'aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService')],
    },
    {
      sid: 'CreateServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [iamArn('role', 'aws-service-role/*')],
      conditions: { StringEquals: { 'iam:AWSServiceName': ['ecs.application-autoscaling.amazonaws.com', 'ecs.amazonaws.com', 'rds.amazonaws.com', 'elasticloadbalancing.amazonaws.com'] } },
      reason: 'Service-linked roles are made by the services themselves; the condition names the four the apps use.',
    },
    {
      sid: 'TheBoundaryStays',
      deny: true,
      actions: ['iam:DeleteRolePermissionsBoundary'],
      resources: ['*'],
      reason: 'A deny: no role loses its boundary, wherever it is.',
    },
    {
      sid: 'NoAppRoleWithoutTheBoundary',
      deny: true,
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      resources: [appRoles],
      conditions: { StringNotEquals: { 'iam:PermissionsBoundary': boundary.managedPolicyArn } },
      reason: `A deny for every role under the path ${path}.`,
    },
    {
      sid: 'TheEnvironmentPoliciesStay',
      deny: true,
      actions: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
      resources: [iamArn('policy', `harmonix-${env}-*`)],
      reason: `A deny for every policy of environment ${env}: its execution policies and boundary.`,
    },
  ];

  const parts: Array<[string, Rule[]]> = [
    ['', [...computeRules(t, arn, env), ...kubernetesRules(t)]],
    ['network', networkRules(t, arn, env)],
    ['functions', functionRules(env, arn, stack)],
    ['data', dataRules(t, arn, env, stack)],
    ['iam', iamRules],
  ];
  const executionPolicies = parts.filter(([, rules]) => rules.length > 0).map(([part, rules]) => {
    const policy = new iam.ManagedPolicy(scope, `AppDeployPolicy${part.charAt(0).toUpperCase()}${part.slice(1)}`, {
      managedPolicyName: appDeployPolicyName(env, part),
      description: `harmonix-cdk: what CloudFormation may do for app stacks of environment ${env}${part ? ` (${part})` : ''}`,
    });
    addRules(policy, rules);
    return policy;
  });
  return { executionPolicies, boundary };
}

function addRules(policy: iam.ManagedPolicy, rules: Rule[]): void {
  for (const rule of rules) {
    checkExactActions(policy, rule.sid, rule.actions);
    policy.addStatements(new iam.PolicyStatement({
      sid: rule.sid,
      effect: rule.deny ? iam.Effect.DENY : iam.Effect.ALLOW,
      actions: rule.actions,
      resources: rule.resources,
      conditions: rule.conditions,
    }));
    acceptWildcardResources(policy, rule.sid, rule.resources, rule.reason && `${rule.sid}: ${rule.reason}`);
  }
}

type ArnOf = (service: string, resource: string, resourceName?: string, format?: ArnFormat) => string;

/** Containers, load balancing and the network: scoped to the cluster, listener, VPC and tag. */
function computeRules(t: AppDeployTargets, arn: ArnOf, env: string): Rule[] {
  const rules: Rule[] = [];
  const tagged = taggedReason(env);
  if (t.ecs) {
    const cluster = t.ecs.cluster.clusterName;
    rules.push(
      {
        sid: 'ManageTaskDefinitions',
        actions: ['ecs:RegisterTaskDefinition', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
        resources: [arn('ecs', 'task-definition', `harmonix-${env}-*:*`)],
        reason: `Task definition families of the environment's apps are named harmonix-${env}-<app>.`,
      },
      {
        sid: 'ManageServicesOnTheCluster',
        actions: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:DescribeServices', 'ecs:TagResource', 'ecs:UntagResource',
          'ecs:ListTagsForResource', 'ecs:ListServiceDeployments', 'ecs:DescribeServiceDeployments', 'ecs:StopServiceDeployment'],
        resources: [arn('ecs', 'service', `${cluster}/*`), arn('ecs', 'service-deployment', `${cluster}/*`)],
        reason: `Services and their deployments on the environment's cluster ${cluster} only.`,
      },
      {
        sid: 'RegisterServicesInTheNamespace',
        actions: ['servicediscovery:CreateService'],
        resources: [t.ecs.cloudMapNamespace.namespaceArn, arn('servicediscovery', 'service', '*')],
        conditions: { StringEquals: { 'servicediscovery:NamespaceArn': t.ecs.cloudMapNamespace.namespaceArn, [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env } },
        reason: 'Cloud Map service ids are random; the conditions fix the environment\'s namespace and its tag, which the service gets when it is created.',
      },
      {
        // Cloud Map authorizes tagging against no resource (AWS's service authorization
        // reference lists no resource type for it), so a statement cannot tell this
        // environment's services from another's. The environment tag, on which the statements
        // below rely, is therefore written only by CreateService, inside the environment's
        // namespace; tagging calls may write and remove every other key.
        sid: 'TagDiscoveryServicesButNotTheirEnvironment',
        actions: ['servicediscovery:TagResource', 'servicediscovery:UntagResource'],
        resources: ['*'],
        conditions: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [ENVIRONMENT_TAG] } },
        reason: `Cloud Map tagging names no resource; the condition keeps ${ENVIRONMENT_TAG} out of every tagging call, so no service can be moved into this environment.`,
      },
      {
        sid: 'NoDiscoveryServiceChangesEnvironment',
        deny: true,
        actions: ['servicediscovery:TagResource', 'servicediscovery:UntagResource'],
        resources: ['*'],
        conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [ENVIRONMENT_TAG] } },
        reason: `A deny: no tagging call sets or removes ${ENVIRONMENT_TAG} on a Cloud Map service or namespace.`,
      },
      {
        sid: 'ReadTheNamespace',
        actions: ['servicediscovery:GetNamespace'],
        resources: [t.ecs.cloudMapNamespace.namespaceArn],
      },
      {
        sid: 'ManageDiscoveryServices',
        actions: ['servicediscovery:GetService', 'servicediscovery:UpdateService', 'servicediscovery:DeleteService', 'servicediscovery:GetServiceAttributes',
          'servicediscovery:UpdateServiceAttributes', 'servicediscovery:DeleteServiceAttributes'],
        resources: [arn('servicediscovery', 'service', '*')],
        conditions: TAGGED(env),
        reason: tagged,
      },
      {
        sid: 'ReadDiscoveryOperations',
        actions: ['servicediscovery:GetOperation', 'servicediscovery:ListServices'],
        resources: ['*'],
        reason: DESCRIBE_ONLY,
      },
      {
        sid: 'ScaleServicesOfTheCluster',
        actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget',
          'application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:TagResource',
          'application-autoscaling:UntagResource', 'application-autoscaling:ListTagsForResource'],
        resources: [arn('application-autoscaling', 'scalable-target', '*', ArnFormat.SLASH_RESOURCE_NAME)],
        reason: 'Scalable target ids are random; every app scales its own ECS service on the environment\'s cluster.',
      },
      {
        sid: 'TargetTrackingAlarms',
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
        resources: [arn('cloudwatch', 'alarm', `TargetTracking-service/${cluster}/*`, ArnFormat.COLON_RESOURCE_NAME)],
        reason: `Target tracking alarms of services on the cluster ${cluster} only.`,
      },
    );
    const listener = t.ecs.sharedLoadBalancer?.httpsListener.listenerArn;
    if (listener) {
      const [prefix, rest] = [Fn.select(0, Fn.split(':listener/', listener)), Fn.select(1, Fn.split(':listener/', listener))];
      rules.push({
        sid: 'RulesOnTheSharedListener',
        actions: ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DeleteRule',
          'elasticloadbalancing:SetRulePriorities', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        resources: [listener, Fn.join('', [prefix, ':listener-rule/', rest, '/*'])],
        reason: 'Rules of the environment\'s own HTTPS listener only (rule ids are random).',
      });
    }
  }
  return rules;
}

/**
 * Kubernetes objects of apps: CloudFormation applies them through the environment's app kubectl
 * handler (edit rights in the application namespaces), which `ManageTaggedFunctions` lets it
 * invoke as a function tagged with the environment; never through aws-eks-v2's own handler,
 * which is cluster admin and carries the same tag.
 */
function kubernetesRules(t: AppDeployTargets): Rule[] {
  const admin = t.eks?.cluster.kubectlProvider?.serviceToken;
  return admin === undefined ? [] : [{
    sid: 'NeverThroughTheClusterAdminHandler',
    deny: true,
    actions: ['lambda:InvokeFunction'],
    resources: [admin],
    reason: 'A deny of one function: aws-eks-v2\'s cluster-admin kubectl handler.',
  }];
}

/** Load balancers, target groups and security groups of apps: scoped by tag and VPC. */
function networkRules(t: AppDeployTargets, arn: ArnOf, env: string): Rule[] {
  const rules: Rule[] = [];
  const tagged = taggedReason(env);
  rules.push(
    {
      sid: 'CreateTaggedLoadBalancing',
      actions: ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:AddTags'],
      resources: [arn('elasticloadbalancing', 'targetgroup', '*/*'), arn('elasticloadbalancing', 'loadbalancer', 'app/*/*'),
        arn('elasticloadbalancing', 'listener', 'app/*/*/*')],
      conditions: TAGGING(env),
      reason: 'Names are generated; the request must tag them with the environment.',
    },
    {
      sid: 'ManageTaggedLoadBalancing',
      actions: ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyListenerAttributes'],
      resources: [arn('elasticloadbalancing', 'targetgroup', '*/*'), arn('elasticloadbalancing', 'loadbalancer', 'app/*/*'),
        arn('elasticloadbalancing', 'listener', 'app/*/*/*')],
      conditions: TAGGED(env),
      reason: tagged,
    },
    {
      sid: 'DescribeLoadBalancing',
      actions: ['elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth', 'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScheduledActions', 'cloudwatch:GetMetricData', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeInstances', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeAccountAttributes',
        'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways', 'ec2:DescribeVpcAttribute', 'ecs:DescribeTaskDefinition',
        'servicediscovery:ListTagsForResource'],
      resources: ['*'],
      reason: DESCRIBE_ONLY,
    },
  );
  if (t.vpcId) {
    const vpc = arn('ec2', 'vpc', t.vpcId);
    rules.push(
      {
        sid: 'CreateTaggedSecurityGroupsInTheVpc',
        actions: ['ec2:CreateSecurityGroup', 'ec2:CreateTags'],
        resources: [vpc, arn('ec2', 'security-group', '*')],
        conditions: TAGGING(env),
        reason: 'Security group ids are random: new groups in the environment\'s VPC only, and the request must tag them with the environment.',
      },
      {
        sid: 'ManageSecurityGroupsOfTheVpc',
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupEgress', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', 'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
          'ec2:DeleteSecurityGroup', 'ec2:CreateTags', 'ec2:DeleteTags'],
        resources: [arn('ec2', 'security-group', '*'), arn('ec2', 'security-group-rule', '*')],
        conditions: TAGGED(env),
        reason: tagged,
      },
    );
  }
  return rules;
}

/** Functions, HTTP APIs and their domains: scoped by tag and path. */
function functionRules(env: string, arn: ArnOf, stack: Stack): Rule[] {
  const { partition, region } = stack;
  const rules: Rule[] = [];
  const tagged = taggedReason(env);
  rules.push(
    {
      sid: 'CreateTaggedFunctions',
      actions: ['lambda:CreateFunction', 'lambda:TagResource'],
      resources: [arn('lambda', 'function', '*', ArnFormat.COLON_RESOURCE_NAME)],
      conditions: TAGGING(env),
      reason: 'Function names are generated; the request must tag them with the environment.',
    },
    {
      sid: 'ManageTaggedFunctions',
      actions: ['lambda:GetFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:TagResource',
        'lambda:UntagResource', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:PublishVersion',
        'lambda:GetFunctionConfiguration', 'lambda:ListVersionsByFunction', 'lambda:AddPermission', 'lambda:RemovePermission',
        'lambda:CreateAlias', 'lambda:UpdateAlias', 'lambda:DeleteAlias', 'lambda:GetAlias', 'lambda:PutProvisionedConcurrencyConfig',
        'lambda:GetProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig', 'lambda:GetRuntimeManagementConfig',
        'lambda:GetFunctionRecursionConfig', 'lambda:GetFunctionCodeSigningConfig', 'lambda:InvokeFunction'],
      resources: [arn('lambda', 'function', '*', ArnFormat.COLON_RESOURCE_NAME)],
      conditions: TAGGED(env),
      reason: `${tagged} InvokeFunction serves custom resources of app stacks.`,
    },
    {
      sid: 'ReadCodeSigningConfigs',
      actions: ['lambda:GetCodeSigningConfig'],
      resources: [arn('lambda', 'code-signing-config', '*', ArnFormat.COLON_RESOURCE_NAME)],
      reason: 'Read-only look-up that CloudFormation makes for every function.',
    },
    {
      sid: 'HttpApis',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: ['/apis', '/apis/*', '/domainnames', '/domainnames/*', '/tags/*'].map(p => `arn:${partition}:apigateway:${region}::${p}`),
      reason: 'API Gateway authorizes by path only, and API ids are random; HTTP APIs, their custom domains and tags, nothing else.',
    },
    {
      sid: 'AliasRecords',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [`arn:${partition}:route53:::hostedzone/*`],
      conditions: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA'] } },
      reason: 'Hosted zones are the platform team\'s to give; only alias records of app domains are written.',
    },
    {
      sid: 'ReadHostedZones',
      actions: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
      resources: [`arn:${partition}:route53:::hostedzone/*`],
      reason: 'Read-only: the zone an app\'s alias record goes into.',
    },
    {
      sid: 'ReadChanges',
      actions: ['route53:GetChange', 'route53:ListHostedZones'],
      resources: ['*'],
      reason: DESCRIBE_ONLY,
    },
  );
  return rules;
}

/** Logs, parameters, databases, secrets, buckets, queues and the environment key. */
function dataRules(t: AppDeployTargets, arn: ArnOf, env: string, stack: Stack): Rule[] {
  const tagged = taggedReason(env);
  const logGroups = arn('logs', 'log-group', `${t.logGroupPrefix}*`, ArnFormat.COLON_RESOURCE_NAME);
  const databaseLogs = arn('logs', 'log-group', '/aws/rds/cluster/*/postgresql', ArnFormat.COLON_RESOURCE_NAME);
  const assets = `arn:${stack.partition}:s3:::cdk-${t.cdkBootstrapQualifier}-assets-${stack.account}-${stack.region}/*`;
  const rules: Rule[] = [
    {
      sid: 'EnvironmentLogGroups',
      actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey',
        'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource'],
      resources: [logGroups, `${logGroups}:*`],
      reason: `Log groups under the environment prefix ${t.logGroupPrefix} only.`,
    },
    {
      sid: 'CreateTaggedDatabaseLogGroups',
      actions: ['logs:CreateLogGroup', 'logs:TagResource'],
      resources: [databaseLogs],
      conditions: TAGGING(env),
      reason: 'The PostgreSQL log groups of the apps\' databases, named by RDS after the generated cluster: the request must tag them with the environment.',
    },
    {
      sid: 'ManageTaggedDatabaseLogGroups',
      actions: ['logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey',
        'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource'],
      resources: [databaseLogs, `${databaseLogs}:*`],
      conditions: TAGGED(env),
      reason: tagged,
    },
    {
      sid: 'DescribeLogGroups',
      actions: ['logs:DescribeLogGroups'],
      resources: ['*'],
      reason: DESCRIBE_ONLY,
    },
    {
      sid: 'AppParameters',
      actions: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParameters', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
      resources: [arn('ssm', 'parameter', `harmonix/apps/*/${env}/*`)],
      reason: `Parameters /harmonix/apps/<app>/${env}/... of the environment's apps.`,
    },
    {
      sid: 'BootstrapVersion',
      actions: ['ssm:GetParameters'],
      resources: [arn('ssm', 'parameter', `cdk-bootstrap/${t.cdkBootstrapQualifier}/version`)],
    },
    {
      sid: 'ReadCodeAssets',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [assets, ...(t.serverless ? [`${t.serverless.artifactBucket.bucketArn}/*`] : [])],
      reason: 'Objects of the CDK bootstrap asset bucket and of the environment\'s artifact bucket: the code of the apps\' functions.',
    },
    {
      sid: 'UseTheEnvironmentKey',
      actions: ['kms:DescribeKey', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant'],
      resources: [t.kmsKeyArn],
    },
    {
      sid: 'CreateTaggedData',
      actions: ['rds:CreateDBCluster', 'rds:CreateDBInstance', 'rds:CreateDBSubnetGroup', 'rds:AddTagsToResource', 'secretsmanager:CreateSecret',
        'secretsmanager:TagResource', 'sqs:CreateQueue', 'sqs:TagQueue'],
      resources: [arn('rds', 'cluster', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'db', '*', ArnFormat.COLON_RESOURCE_NAME),
        arn('rds', 'subgrp', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'cluster-pg', '*', ArnFormat.COLON_RESOURCE_NAME),
        arn('rds', 'pg', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'og', '*', ArnFormat.COLON_RESOURCE_NAME),
        arn('secretsmanager', 'secret', '*', ArnFormat.COLON_RESOURCE_NAME), arn('sqs', '*', undefined, ArnFormat.NO_RESOURCE_NAME)],
      conditions: TAGGING(env),
      reason: 'Names are generated; the request must tag them with the environment.',
    },
    {
      sid: 'ManageTaggedData',
      actions: ['rds:ModifyDBCluster', 'rds:DeleteDBCluster', 'rds:ModifyDBInstance', 'rds:DeleteDBInstance', 'rds:RebootDBInstance',
        'rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup', 'rds:CreateDBClusterSnapshot', 'rds:CreateDBSnapshot', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource',
        'rds:ListTagsForResource', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource',
        'sqs:DeleteQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags', 'sqs:TagQueue', 'sqs:UntagQueue'],
      resources: [arn('rds', 'cluster', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'db', '*', ArnFormat.COLON_RESOURCE_NAME),
        arn('rds', 'subgrp', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'cluster-snapshot', '*', ArnFormat.COLON_RESOURCE_NAME),
        arn('secretsmanager', 'secret', '*', ArnFormat.COLON_RESOURCE_NAME), arn('sqs', '*', undefined, ArnFormat.NO_RESOURCE_NAME)],
      conditions: TAGGED(env),
      reason: tagged,
    },
    {
      sid: 'FinalSnapshots',
      actions: ['rds:CreateDBClusterSnapshot', 'rds:CreateDBSnapshot'],
      resources: [arn('rds', 'cluster-snapshot', '*', ArnFormat.COLON_RESOURCE_NAME), arn('rds', 'snapshot', '*', ArnFormat.COLON_RESOURCE_NAME)],
      reason: 'Final snapshots on deletion, named by CloudFormation; the cluster or instance they copy is tag-checked in the same request.',
    },
    {
      sid: 'DescribeData',
      actions: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances', 'rds:DescribeDBSubnetGroups', 'rds:DescribeDBClusterSnapshots',
        'rds:DescribeDBSnapshots', 'rds:DescribeDBClusterAutomatedBackups', 'rds:DescribeDBInstanceAutomatedBackups', 'rds:DescribeDBEngineVersions',
        'rds:DescribeDBParameterGroups', 'rds:DescribeEvents', 'rds:DescribeGlobalClusters', 'secretsmanager:GetRandomPassword'],
      resources: ['*'],
      reason: `${DESCRIBE_ONLY} GetRandomPassword returns a random string and touches no resource.`,
    },
    {
      sid: 'AppBuckets',
      actions: ['s3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:PutBucketTagging', 's3:TagResource', 's3:UntagResource',
        's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration',
        's3:PutBucketPublicAccessBlock', 's3:PutBucketLogging', 's3:PutBucketVersioning', 's3:PutBucketOwnershipControls',
        's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      resources: [`arn:${stack.partition}:s3:::${appBucketNamePattern(env)}`],
      reason: `App buckets are named ${appBucketNamePattern(env)} (the ? stand for a hash); the bucket settings the apps set, nothing else (no ACLs, replication, websites or notifications).`,
    },
  ];
  return rules;
}

/** The most an app role may do: its runtime's needs and the data of the environment. */
function boundaryRules(t: AppDeployTargets, arn: ArnOf, stack: Stack): Rule[] {
  const env = t.environmentName;
  const logGroups = arn('logs', 'log-group', `${t.logGroupPrefix}*`, ArnFormat.COLON_RESOURCE_NAME);
  return [
    {
      sid: 'WriteEnvironmentLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroups}:*`, arn('logs', 'log-group', '/aws/lambda/*', ArnFormat.COLON_RESOURCE_NAME)],
      reason: `Log streams of the environment prefix ${t.logGroupPrefix}, and of the functions aws-cdk-lib adds to app stacks (/aws/lambda).`,
    },
    {
      sid: 'CreateFunctionLogGroups',
      actions: ['logs:CreateLogGroup'],
      resources: [arn('logs', 'log-group', '/aws/lambda/*', ArnFormat.COLON_RESOURCE_NAME)],
      reason: 'Functions aws-cdk-lib adds to app stacks (bucket auto-delete) log to /aws/lambda/<function>.',
    },
    {
      sid: 'UseTheEnvironmentKey',
      actions: ENVIRONMENT_KEY_ACTIONS,
      resources: [t.kmsKeyArn],
    },
    {
      sid: 'TaggedQueuesAndSecrets',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl',
        'sqs:SendMessage', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [arn('sqs', '*', undefined, ArnFormat.NO_RESOURCE_NAME), arn('secretsmanager', 'secret', '*', ArnFormat.COLON_RESOURCE_NAME)],
      conditions: TAGGED(env),
      reason: `Queues and secrets tagged harmonix:environment=${env}.`,
    },
    {
      sid: 'BucketsOfApps',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion',
        's3:AbortMultipartUpload', 's3:GetBucketTagging', 's3:PutBucketPolicy'],
      resources: [`arn:${stack.partition}:s3:::${appBucketNamePattern(env)}`, `arn:${stack.partition}:s3:::${appBucketNamePattern(env)}/*`],
      reason: `The app buckets of the environment, named ${appBucketNamePattern(env)}, and their objects; each app role names its own.`,
    },
    {
      sid: 'ConnectToDatabases',
      actions: ['rds-db:connect'],
      resources: [arn('rds-db', 'dbuser', '*/*', ArnFormat.COLON_RESOURCE_NAME)],
      reason: 'Database users by cluster resource id; each app role names its own cluster and user.',
    },
    {
      sid: 'RuntimeNeeds',
      actions: ['ecr:GetAuthorizationToken', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
      reason: 'ECR sign-in, X-Ray writes and the network interfaces of VPC functions have no resource-level permissions.',
    },
    {
      sid: 'PullImages',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      // Images usually live in the platform account's repositories; their repository policies
      // decide who may pull across accounts.
      resources: [`arn:${stack.partition}:ecr:${stack.region}:*:repository/*`],
      reason: 'Images pulled by ECS task execution roles, from this account or the platform account (whose repository policies decide who pulls).',
    },
  ];
}
