import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { createSharedLoadBalancer, SharedLoadBalancerOptions } from './shared-load-balancer';
import { propError } from '../../common/errors';
import { clusterName } from '../../common/naming';
import { validateIntegerRange } from '../../common/validation';
import { HarmonixEnvironmentBase, HarmonixEnvironmentBaseProps } from '../base/environment-base';
import { EnvironmentKind } from '../contract';

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

/** How an app service attaches to the shared load balancer. */
export interface SharedLoadBalancerRoute {
  /** The service that receives the traffic. */
  readonly service: ecs.BaseService;
  /** Rule priority on the HTTPS listener (1 to 50000), unique per environment. */
  readonly priority: number;
  /**
   * Host names that route to the service.
   * @default - any host
   */
  readonly hostHeaders?: string[];
  /**
   * Path patterns that route to the service.
   * @default - any path
   */
  readonly pathPatterns?: string[];
  /** Container that receives the traffic. */
  readonly containerName: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /**
   * Health check path.
   * @default "/"
   */
  readonly healthCheckPath?: string;
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
  /** The shared load balancer, if enabled. */
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

    this.execLogGroup = new logs.LogGroup(this, 'ExecLogs', {
      logGroupName: `${this.logGroupPrefix}ecs-exec`,
      retention: props.execLogRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.kmsKey,
      removalPolicy: this.dataRemovalPolicy,
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: name,
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
      executeCommandConfiguration: {
        kmsKey: this.kmsKey,
        logging: ecs.ExecuteCommandLogging.OVERRIDE,
        logConfiguration: { cloudWatchLogGroup: this.execLogGroup, cloudWatchEncryptionEnabled: true },
      },
    });
    this.cluster.addDefaultCapacityProviderStrategy([
      { capacityProvider: props.fargateSpotByDefault ? 'FARGATE_SPOT' : 'FARGATE', weight: 1 },
    ]);
    this.cloudMapNamespace = this.cluster.addDefaultCloudMapNamespace({
      name: props.namespaceName ?? `${this.environmentName}.harmonix.internal`,
      type: servicediscovery.NamespaceType.DNS_PRIVATE,
      vpc,
      useForServiceConnect: true,
    });

    if (props.sharedLoadBalancer) {
      const lb = createSharedLoadBalancer(this, props.sharedLoadBalancer, {
        vpc,
        removalPolicy: this.dataRemovalPolicy,
      });
      this.sharedLoadBalancer = lb.loadBalancer;
      this.httpsListener = lb.httpsListener;
      this.loadBalancerSecurityGroup = lb.securityGroup;
      this.loadBalancerAccessLogBucket = lb.accessLogBucket;
    }

    this.grantClusterPermissions(name);
    this.publishDescriptor({
      ecs: {
        clusterName: this.cluster.clusterName,
        clusterArn: this.cluster.clusterArn,
        namespaceName: this.cloudMapNamespace.namespaceName,
        namespaceId: this.cloudMapNamespace.namespaceId,
        namespaceArn: this.cloudMapNamespace.namespaceArn,
        sharedLoadBalancer: this.sharedLoadBalancer && {
          loadBalancerArn: this.sharedLoadBalancer.loadBalancerArn,
          dnsName: this.sharedLoadBalancer.loadBalancerDnsName,
          canonicalHostedZoneId: this.sharedLoadBalancer.loadBalancerCanonicalHostedZoneId,
          httpsListenerArn: this.httpsListener!.listenerArn,
          securityGroupId: this.loadBalancerSecurityGroup!.securityGroupId,
        },
      },
    });
  }

  public get ecsCluster(): ecs.ICluster | undefined {
    return this.cluster;
  }

  /**
   * Routes requests that match host and/or path rules on the shared HTTPS listener to a
   * service. The service's security group is opened to the load balancer on the container
   * port only.
   */
  public addSharedLoadBalancerRoute(id: string, route: SharedLoadBalancerRoute): elbv2.ApplicationTargetGroup {
    if (!this.httpsListener) {
      throw propError(this, 'sharedLoadBalancer', `must be set before routing ${id} to it; enable it in the EcsEnvironment props.`);
    }
    const where = `addSharedLoadBalancerRoute(${id})`;
    validateIntegerRange(this, `${where}.priority`, route.priority, 1, 50000);
    validateIntegerRange(this, `${where}.containerPort`, route.containerPort, 1, 65535);
    const conditions: elbv2.ListenerCondition[] = [];
    if (route.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(route.hostHeaders));
    if (route.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(route.pathPatterns));
    if (conditions.length === 0) {
      throw propError(this, `${where}.hostHeaders`, 'or `pathPatterns` must be given: a route without a rule would take every request of the environment.');
    }
    const targetGroup = new elbv2.ApplicationTargetGroup(this, `${id}Targets`, {
      vpc: this.vpc,
      port: route.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: route.healthCheckPath ?? '/', healthyHttpCodes: '200-399' },
      targets: [route.service.loadBalancerTarget({ containerName: route.containerName, containerPort: route.containerPort })],
    });
    this.httpsListener.addTargetGroups(`${id}Rule`, { priority: route.priority, conditions, targetGroups: [targetGroup] });
    return targetGroup;
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
      sid: 'ScaleAndRestartTaggedServices',
      actions: ['ecs:UpdateService', 'ecs:StopTask'],
      resources: [services, tasks],
      onlyTaggedResources: true,
      wildcardReason: `${onlyThisCluster} Scaling and restarts are further limited to resources tagged with the environment.`,
    });
  }
}
