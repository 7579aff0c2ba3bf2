import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as eksl1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { podIdentityPrincipal } from './pod-identity';
import { addScopedStatements, ScopedStatement } from '../../common/iam';
import { allowLogsToUseKey } from '../../common/key-policy';

/** The log groups the CloudWatch observability add-on writes, per cluster. */
const CONTAINER_LOG_GROUPS = ['application', 'dataplane', 'host', 'performance'];

/** How container logging is set up. */
export interface ContainerLoggingOptions {
  readonly cluster: eks.Cluster;
  readonly clusterName: string;
  readonly kmsKey: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The Pod Identity agent add-on, where the compute does not have it built in. */
  readonly podIdentityAgent?: eks.IAddon;
}

/**
 * Container logs in CloudWatch: Amazon's CloudWatch observability add-on (Fluent Bit and the
 * CloudWatch agent), writing into log groups created here first, with retention and the
 * environment key; its agent gets its permissions through EKS Pod Identity, not the node role.
 */
export function createContainerLogging(scope: Construct, o: ContainerLoggingOptions): eksl1.CfnAddon {
  const stack = Stack.of(scope);
  const prefix = `/aws/containerinsights/${o.clusterName}/`;
  allowLogsToUseKey(o.kmsKey, 'AllowCloudWatchLogsForContainers', prefix);
  const groups = CONTAINER_LOG_GROUPS.map(name => new logs.LogGroup(scope, `ContainerLogs-${name}`, {
    logGroupName: `${prefix}${name}`, retention: o.retention, encryptionKey: o.kmsKey, removalPolicy: o.removalPolicy,
  }));
  const role = new iam.Role(scope, 'ContainerLoggingRole', {
    description: `harmonix-cdk: the CloudWatch agent and Fluent Bit of cluster ${o.clusterName} (EKS Pod Identity)`,
    assumedBy: podIdentityPrincipal(stack.account, o.cluster.clusterArn),
  });
  const statements: ScopedStatement[] = [
    {
      sid: 'WriteContainerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: groups.map(g => g.logGroupArn),
      wildcardReason: `The streams of the container log groups of cluster ${o.clusterName} (${prefix}*), one per node and pod.`,
    },
    {
      sid: 'DescribeLogGroups',
      actions: ['logs:DescribeLogGroups'],
      resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      wildcardReason: 'logs:DescribeLogGroups is authorized against all log groups of the account; it reads names, never data.',
    },
    {
      sid: 'PutContainerMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'ContainerInsights' } },
      wildcardReason: 'cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the ContainerInsights namespace.',
    },
    {
      sid: 'DescribeNodes',
      actions: ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeTags'],
      resources: ['*'],
      wildcardReason: 'EC2 describe calls have no resource-level permissions; the agent reads the metadata of the nodes it runs on.',
    },
  ];
  addScopedStatements(role, role, ...statements);
  const addon = new eksl1.CfnAddon(scope, 'CloudWatchObservability', {
    clusterName: o.cluster.clusterName,
    addonName: 'amazon-cloudwatch-observability',
    resolveConflicts: 'OVERWRITE',
    podIdentityAssociations: [{ serviceAccount: 'cloudwatch-agent', roleArn: role.roleArn }],
    // Container logs on; Container Insights without its enhanced observability, which is charged per observation.
    configurationValues: JSON.stringify({
      containerLogs: { enabled: true },
      agent: { config: { logs: { metrics_collected: { kubernetes: { enhanced_container_insights: false } } } } },
    }),
  });
  addon.node.addDependency(...groups);
  if (o.podIdentityAgent) {
    addon.node.addDependency(o.podIdentityAgent);
  }
  return addon;
}
