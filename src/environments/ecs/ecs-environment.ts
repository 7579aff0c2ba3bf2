import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { createSharedLoadBalancer, SharedLoadBalancerOptions } from './shared-load-balancer';
import { acceptFindings } from '../../common/nag';
import { clusterName } from '../../common/naming';
import { validateDomainName } from '../../common/web-names';
import { EnvironmentKind } from '../../contract/environment';
import { ecsRuntime, SharedLoadBalancerView } from '../../contract/runtimes/ecs';
import { HarmonixEnvironmentBase, HarmonixEnvironmentBaseProps, PRODUCTION_STAGE } from '../base/environment-base';
import { LOG_READ_ACTIONS } from '../base/environment-roles';

/** Props of an ECS environment. */
export interface EcsEnvironmentProps extends HarmonixEnvironmentBaseProps {
  /**
   * A shared HTTPS application load balancer that app services attach to by host and path.
   * @default - none: each app brings its own entry point
   */
  readonly sharedLoadBalancer?: SharedLoadBalancerOptions;
  /**
   * Run tasks on Fargate Spot unless a service asks otherwise (cheaper, may be interrupted).
   * @default false
   */
  readonly fargateSpotByDefault?: boolean;
  /**
   * CloudWatch Container Insights on the cluster: per-task CPU, memory and network metrics and
   * performance events. Charged per metric, so off for non-production by default.
   * @default - on from stage 3 (production), off below
   */
  readonly containerInsights?: boolean;
  /**
   * Retention of the ECS Exec session logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly execLogRetention?: logs.RetentionDays;
  /**
   * Name of the private Cloud Map namespace for service discovery and Service Connect.
   * @default "<environmentName>.harmonix.internal"
   */
  readonly namespaceName?: string;
}

/**
 * A runtime environment for containers on ECS Fargate, in a workload account: the shared
 * environment base (VPC, key, audit table, provisioning and operations roles, descriptor)
 * plus an ECS cluster with Container Insights, Fargate and Fargate Spot capacity providers,
 * encrypted ECS Exec logging, a Cloud Map namespace, and optionally one shared HTTPS load
 * balancer for all its apps.
 */
export class EcsEnvironment extends HarmonixEnvironmentBase {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** Private DNS namespace for service discovery and Service Connect. */
  public readonly cloudMapNamespace: servicediscovery.INamespace;
  /** Log group of ECS Exec sessions. */
  public readonly execLogGroup: logs.LogGroup;
  /**
   * The shared load balancer, if enabled. App stacks add routes through
   * `ecs.sharedLoadBalancer.addRoute(...)`, the same on an imported environment.
   */
  public readonly sharedLoadBalancer?: elbv2.ApplicationLoadBalancer;
  /** HTTPS listener of the shared load balancer, if enabled. */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** Security group of the shared load balancer, if enabled. */
  public readonly loadBalancerSecurityGroup?: ec2.SecurityGroup;
  /** Bucket of the shared load balancer's access logs, if enabled. */
  public readonly loadBalancerAccessLogBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: EcsEnvironmentProps) {
    super(scope, id, props, { kind: EnvironmentKind.ECS, createVpc: true });
    const vpc = this.vpc!;
    const name = clusterName(this.environmentName);
    const containerInsights = props.containerInsights ?? this.stage >= PRODUCTION_STAGE;

    this.execLogGroup = new logs.LogGroup(this, 'ExecLogs', {
      logGroupName: `${this.logGroupPrefix}ecs-exec`,
      retention: props.execLogRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.kmsKey,
      removalPolicy: this.dataRemovalPolicy,
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: name,
      vpc,
      containerInsightsV2: containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
      enableFargateCapacityProviders: true,
      executeCommandConfiguration: {
        kmsKey: this.kmsKey,
        logging: ecs.ExecuteCommandLogging.OVERRIDE,
        logConfiguration: { cloudWatchLogGroup: this.execLogGroup, cloudWatchEncryptionEnabled: true },
      },
    });
    if (!containerInsights) {
      acceptFindings(this.cluster, {
        id: 'AwsSolutions-ECS4',
        reason: 'Container Insights is charged per metric; it is off below stage 3 to keep non-production environments cheap when idle (containerInsights: true turns it on).',
      });
    }
    const defaultCapacityProvider = props.fargateSpotByDefault ? 'FARGATE_SPOT' : 'FARGATE';
    this.cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: defaultCapacityProvider, weight: 1 }]);
    this.cloudMapNamespace = this.cluster.addDefaultCloudMapNamespace({
      // A private DNS namespace is a Route 53 zone: an ASCII DNS name (Cloud Map refuses others at deployment).
      name: validateDomainName(this, 'namespaceName', props.namespaceName ?? `${this.environmentName}.harmonix.internal`),
      type: servicediscovery.NamespaceType.DNS_PRIVATE,
      vpc,
      useForServiceConnect: true,
    });

    if (props.sharedLoadBalancer) {
      const lb = createSharedLoadBalancer(this, props.sharedLoadBalancer, {
        vpc,
        removalPolicy: this.dataRemovalPolicy,
        deletionProtection: this.stage >= PRODUCTION_STAGE,
      });
      this.sharedLoadBalancer = lb.loadBalancer;
      this.httpsListener = lb.httpsListener;
      this.loadBalancerSecurityGroup = lb.securityGroup;
      this.loadBalancerAccessLogBucket = lb.accessLogBucket;
    }

    this.grantClusterPermissions(name);
    this.publishDescriptor({
      ecs: ecsRuntime({
        cluster: this.cluster,
        cloudMapNamespace: this.cloudMapNamespace,
        defaultCapacityProvider,
        sharedLoadBalancer: this.sharedLoadBalancer && new SharedLoadBalancerView({
          loadBalancer: this.sharedLoadBalancer,
          httpsListener: this.httpsListener!,
          securityGroup: this.loadBalancerSecurityGroup!,
          vpc,
          environmentName: this.environmentName,
          account: this.account,
          region: this.region,
        }),
      }),
    });
  }


  /** Cluster-scoped permissions of the provisioning and operations roles. */
  private grantClusterPermissions(name: string): void {
    const stack = Stack.of(this);
    const services = stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${name}/*` });
    const tasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${name}/*` });
    const onlyThisCluster = `The wildcard stands for the services and tasks of this environment's cluster ${name} only.`;

    this.grantProvisioning({ sid: 'DescribeCluster', actions: ['ecs:DescribeClusters'], resources: [this.cluster.clusterArn] });
    this.grantProvisioning({
      sid: 'DeployServicesOnCluster',
      actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
      resources: [services],
      wildcardReason: onlyThisCluster,
    });

    this.grantOperations({ sid: 'DescribeCluster', actions: ['ecs:DescribeClusters'], resources: [this.cluster.clusterArn] });
    this.grantOperations({
      sid: 'ReadServicesAndTasks',
      actions: ['ecs:DescribeServices', 'ecs:DescribeTasks'],
      resources: [services, tasks],
      wildcardReason: onlyThisCluster,
    });
    this.grantOperations({
      sid: 'ListServicesAndTasksOfCluster',
      actions: ['ecs:ListServices', 'ecs:ListTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      wildcardReason: `ListServices and ListTasks have no resource ARN; the ecs:cluster condition limits them to the environment's cluster ${name}.`,
    });
    this.grantOperations({
      sid: 'ReadContainerInsights',
      actions: LOG_READ_ACTIONS,
      resources: [
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/ecs/containerinsights/${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      wildcardReason: `The wildcard stands for the Container Insights log groups of the environment's cluster ${name} (performance events) and their streams.`,
    });
    this.grantOperations({
      sid: 'ReadServiceAutoScaling',
      actions: ['application-autoscaling:DescribeScalableTargets'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      wildcardReason: 'DescribeScalableTargets has no resource ARN; it reads the bounds (minCount, maxCount) of the apps\' services, within which harmonix app scale stays; the region is fixed by condition.',
    });
    this.grantOperations({
      sid: 'SuspendServiceAutoScaling',
      actions: ['application-autoscaling:RegisterScalableTarget'],
      resources: [stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' })],
      wildcardReason: 'Scalable targets carry no tags (CloudFormation gives them none) and their ARNs a generated id: the statement covers the targets of the environment\'s account and region, which are its apps\' services; harmonix app stop and start only suspend and resume their scaling.',
    });
    this.grantOperations({
      sid: 'ScaleAndRestartTaggedServices',
      actions: ['ecs:UpdateService', 'ecs:StopTask'],
      resources: [services, tasks],
      onlyTaggedResources: true,
      wildcardReason: `${onlyThisCluster} Scaling and restarts are further limited to resources tagged with the environment.`,
    });
  }
}
