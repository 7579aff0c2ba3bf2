import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, IConstruct } from 'constructs';
import { propError } from '../../common/errors';
import { ENVIRONMENT_TAG } from '../../common/tags';
import { inAnotherAccountOrRegion, validateIntegerRange } from '../../common/validation';
import { validateHealthCheckPath, validateRuleConditions } from '../../common/web-names';
import { DescriptorReader } from '../descriptor-reader';

/** The shared HTTPS load balancer of an ECS environment, as its descriptor records it. */
export interface SharedLoadBalancerDescriptor {
  /** ARN of the application load balancer. */
  readonly loadBalancerArn: string;
  /** DNS name of the load balancer (point application records here). */
  readonly dnsName: string;
  /** Canonical hosted zone id of the load balancer, for alias records. */
  readonly canonicalHostedZoneId: string;
  /** ARN of the HTTPS listener that application rules attach to. */
  readonly httpsListenerArn: string;
  /** Security group of the load balancer; app services allow traffic from it. */
  readonly securityGroupId: string;
}

/** The ECS runtime of an environment, as its descriptor records it. */
export interface EcsRuntimeDescriptor {
  /** Cluster name. */
  readonly clusterName: string;
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** Cloud Map namespace name for service discovery and Service Connect. */
  readonly namespaceName: string;
  /** Cloud Map namespace id. */
  readonly namespaceId: string;
  /** Cloud Map namespace ARN. */
  readonly namespaceArn: string;
  /**
   * Capacity provider that services use unless they choose one: `FARGATE` or `FARGATE_SPOT`.
   * @default "FARGATE" (descriptors of schema 1.0)
   */
  readonly defaultCapacityProvider?: string;
  /**
   * The shared HTTPS load balancer.
   * @default - the environment has none
   */
  readonly sharedLoadBalancer?: SharedLoadBalancerDescriptor;
}

/** How a service is routed from the shared load balancer. */
export interface SharedLoadBalancerRoute {
  /** The service that receives the traffic. */
  readonly service: ecs.BaseService;
  /** Rule priority on the HTTPS listener (1 to 50000), unique per environment. */
  readonly priority: number;
  /**
   * Host names that route to the service.
   * @default - any host (then `pathPatterns` is required)
   */
  readonly hostHeaders?: string[];
  /**
   * Path patterns that route to the service.
   * @default - any path (then `hostHeaders` is required)
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
 * The shared HTTPS load balancer of an ECS environment, owned or imported: app stacks attach
 * services to it by host and path rules.
 */
export interface ISharedLoadBalancer {
  /** The application load balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Its HTTPS listener. */
  readonly httpsListener: elbv2.IApplicationListener;
  /** Its security group: it reaches the container port of each routed service only (`addRoute` adds the rule). */
  readonly securityGroup: ec2.ISecurityGroup;

  /**
   * Routes requests that match host and/or path rules to a service. The target group and the
   * listener rule are created in `scope`, which may be any stack of the environment's account
   * and region; the load balancer's security group may reach the service's on the container
   * port, and the service's admits it there, by rules in `scope`'s stack. Returns the target group.
   */
  addRoute(scope: Construct, id: string, route: SharedLoadBalancerRoute): elbv2.ApplicationTargetGroup;
}

/** The ECS runtime of an environment, the same for an owned and an imported one. */
export interface IEcsRuntime {
  /** The ECS cluster. */
  readonly cluster: ecs.ICluster;
  /** Private DNS namespace for service discovery and Service Connect. */
  readonly cloudMapNamespace: servicediscovery.INamespace;
  /** Capacity provider strategy services use unless they choose one. */
  readonly defaultCapacityProviderStrategies: ecs.CapacityProviderStrategy[];
  /** The shared HTTPS load balancer, if the environment has one. */
  readonly sharedLoadBalancer?: ISharedLoadBalancer;
}

/** Capacity providers an ECS environment may make its default. */
export const ECS_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

/** Where a shared load balancer lives and what it is made of. */
export interface SharedLoadBalancerParts {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly httpsListener: elbv2.IApplicationListener;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly vpc: ec2.IVpc;
  readonly environmentName: string;
  readonly account: string;
  readonly region: string;
}

/** The one implementation of `ISharedLoadBalancer`, for owned and imported load balancers. */
export class SharedLoadBalancerView implements ISharedLoadBalancer {
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  public readonly httpsListener: elbv2.IApplicationListener;
  public readonly securityGroup: ec2.ISecurityGroup;

  constructor(private readonly parts: SharedLoadBalancerParts) {
    this.loadBalancer = parts.loadBalancer;
    this.httpsListener = parts.httpsListener;
    this.securityGroup = parts.securityGroup;
  }

  public addRoute(scope: Construct, id: string, route: SharedLoadBalancerRoute): elbv2.ApplicationTargetGroup {
    const where = `addRoute(${id})`;
    validateIntegerRange(scope, `${where}.priority`, route.priority, 1, 50000);
    validateIntegerRange(scope, `${where}.containerPort`, route.containerPort, 1, 65535);
    validateRuleConditions(scope, `${where}.`, route.hostHeaders, route.pathPatterns);
    validateHealthCheckPath(scope, `${where}.healthCheckPath`, route.healthCheckPath ?? '/');
    const conditions: elbv2.ListenerCondition[] = [];
    if (route.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(route.hostHeaders));
    if (route.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(route.pathPatterns));
    if (conditions.length === 0) {
      throw propError(scope, `${where}.hostHeaders`, 'or `pathPatterns` must be given: a route without a rule would take every request of the environment.');
    }
    this.checkSameAccountAndRegion(scope, where);
    claimPriority(scope, `${where}.priority`, this.httpsListener.listenerArn, route.priority, this.parts.environmentName);
    tagRoutedService(route.service, this.parts.environmentName);

    const route_ = new Construct(scope, id);
    // The listener and its security group as seen from the route's stack. The load balancer
    // reaches no target of its own: registering the service adds the rules of this route only,
    // both in the route's stack (egress from the load balancer's group to the service's group on
    // the container port, and the matching ingress), so they go with the route.
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(route_, 'LoadBalancerSecurityGroup', this.securityGroup.securityGroupId, {
      allowAllOutbound: false,
      mutable: true,
    });
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(route_, 'Listener', {
      listenerArn: this.httpsListener.listenerArn,
      securityGroup,
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(route_, 'Targets', {
      vpc: this.parts.vpc,
      port: route.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: route.healthCheckPath ?? '/', healthyHttpCodes: '200-399' },
      targets: [route.service.loadBalancerTarget({ containerName: route.containerName, containerPort: route.containerPort })],
    });
    new elbv2.ApplicationListenerRule(route_, 'Rule', {
      listener,
      priority: route.priority,
      conditions,
      targetGroups: [targetGroup],
    });
    return targetGroup;
  }

  /** A listener rule can only live in the load balancer's own account and region. */
  private checkSameAccountAndRegion(scope: Construct, where: string): void {
    const stack = Stack.of(scope);
    if (inAnotherAccountOrRegion(scope, this.parts.account, this.parts.region)) {
      throw propError(scope, `${where}.scope`,
        `the shared load balancer of environment ${this.parts.environmentName} is in account ${this.parts.account}, region ${this.parts.region}; `
        + `add the route from a stack of that account and region (this one is ${stack.account}, ${stack.region}).`);
    }
  }
}

/** Rule priorities taken per listener, per CDK app: a listener refuses two rules with one priority. */
const takenPriorities = new WeakMap<IConstruct, Map<string, Map<number, string>>>();

/**
 * Claims a rule priority on a listener. Listener ARNs of imported environments are plain text,
 * so every stack of the app that routes to the same environment sees the others' rules;
 * rules deployed from other apps are for the listener to refuse at deployment.
 */
function claimPriority(scope: Construct, prop: string, listenerArn: string, priority: number, environmentName: string): void {
  const root = scope.node.root;
  const listeners = takenPriorities.get(root) ?? new Map<string, Map<number, string>>();
  takenPriorities.set(root, listeners);
  // An owned listener's ARN is a token whose text is the same wherever it is used.
  const taken = listeners.get(listenerArn) ?? new Map<number, string>();
  listeners.set(listenerArn, taken);
  const holder = taken.get(priority);
  if (holder !== undefined) {
    throw propError(scope, prop, `${priority} is taken by ${holder} on the shared load balancer of environment ${environmentName}; priorities are unique per environment.`);
  }
  taken.set(priority, scope.node.path);
}

/**
 * A routed service belongs to the environment: it and its task definition carry the environment
 * tag, and its tasks get the service's tags, so the environment roles' tag conditions (scale,
 * restart, stop a task) match what actually runs.
 */
function tagRoutedService(service: ecs.BaseService, environmentName: string): void {
  Tags.of(service).add(ENVIRONMENT_TAG, environmentName);
  Tags.of(service.taskDefinition).add(ENVIRONMENT_TAG, environmentName);
  const cfn = service.node.defaultChild as ecs.CfnService;
  cfn.propagateTags = cfn.propagateTags ?? ecs.PropagatedTagSource.SERVICE;
}

/** What an ECS runtime view is made of. */
export interface EcsRuntimeParts {
  readonly cluster: ecs.ICluster;
  readonly cloudMapNamespace: servicediscovery.INamespace;
  readonly defaultCapacityProvider: string;
  readonly sharedLoadBalancer?: ISharedLoadBalancer;
}

/** An ECS runtime view from its parts (owned or imported). */
export function ecsRuntime(parts: EcsRuntimeParts): IEcsRuntime {
  return {
    cluster: parts.cluster,
    cloudMapNamespace: parts.cloudMapNamespace,
    defaultCapacityProviderStrategies: [{ capacityProvider: parts.defaultCapacityProvider, weight: 1 }],
    sharedLoadBalancer: parts.sharedLoadBalancer,
  };
}

/** The ECS slice of a descriptor, from the runtime view. */
export function describeEcsRuntime(runtime: IEcsRuntime): EcsRuntimeDescriptor {
  const lb = runtime.sharedLoadBalancer;
  return {
    clusterName: runtime.cluster.clusterName,
    clusterArn: runtime.cluster.clusterArn,
    namespaceName: runtime.cloudMapNamespace.namespaceName,
    namespaceId: runtime.cloudMapNamespace.namespaceId,
    namespaceArn: runtime.cloudMapNamespace.namespaceArn,
    defaultCapacityProvider: runtime.defaultCapacityProviderStrategies[0]?.capacityProvider,
    sharedLoadBalancer: lb && {
      loadBalancerArn: lb.loadBalancer.loadBalancerArn,
      dnsName: lb.loadBalancer.loadBalancerDnsName,
      canonicalHostedZoneId: lb.loadBalancer.loadBalancerCanonicalHostedZoneId,
      httpsListenerArn: lb.httpsListener.listenerArn,
      securityGroupId: lb.securityGroup.securityGroupId,
    },
  };
}

/** Reads and checks the ECS slice; fills what schema 1.0 did not record. */
export function readEcsRuntime(r: DescriptorReader): EcsRuntimeDescriptor {
  return {
    clusterName: r.str('clusterName'),
    clusterArn: r.str('clusterArn'),
    namespaceName: r.str('namespaceName'),
    namespaceId: r.str('namespaceId'),
    namespaceArn: r.str('namespaceArn'),
    defaultCapacityProvider: r.optStr('defaultCapacityProvider') === undefined ? 'FARGATE' : r.oneOf('defaultCapacityProvider', ECS_CAPACITY_PROVIDERS),
    sharedLoadBalancer: r.optObj('sharedLoadBalancer', lb => ({
      loadBalancerArn: lb.str('loadBalancerArn'),
      dnsName: lb.str('dnsName'),
      canonicalHostedZoneId: lb.str('canonicalHostedZoneId'),
      httpsListenerArn: lb.str('httpsListenerArn'),
      securityGroupId: lb.str('securityGroupId'),
    })),
  };
}

/** Where an imported ECS runtime lives. */
export interface EcsImportContext {
  readonly vpc: ec2.IVpc;
  readonly environmentName: string;
  readonly account: string;
  readonly region: string;
}

/** The ECS runtime a descriptor slice describes, as references in `scope`. */
export function importEcsRuntime(scope: Construct, slice: EcsRuntimeDescriptor, context: EcsImportContext): IEcsRuntime {
  const cloudMapNamespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(scope, 'Namespace', {
    namespaceName: slice.namespaceName,
    namespaceId: slice.namespaceId,
    namespaceArn: slice.namespaceArn,
  });
  const cluster = ecs.Cluster.fromClusterAttributes(scope, 'Cluster', {
    clusterName: slice.clusterName,
    clusterArn: slice.clusterArn,
    vpc: context.vpc,
    securityGroups: [],
    defaultCloudMapNamespace: cloudMapNamespace,
  });
  const lb = slice.sharedLoadBalancer;
  let sharedLoadBalancer: ISharedLoadBalancer | undefined;
  if (lb) {
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(scope, 'LoadBalancerSecurityGroup', lb.securityGroupId, {
      allowAllOutbound: true,
      mutable: false,
    });
    sharedLoadBalancer = new SharedLoadBalancerView({
      ...context,
      securityGroup,
      loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, 'LoadBalancer', {
        loadBalancerArn: lb.loadBalancerArn,
        loadBalancerDnsName: lb.dnsName,
        loadBalancerCanonicalHostedZoneId: lb.canonicalHostedZoneId,
        securityGroupId: lb.securityGroupId,
        securityGroupAllowsAllOutbound: true,
        vpc: context.vpc,
      }),
      httpsListener: elbv2.ApplicationListener.fromApplicationListenerAttributes(scope, 'HttpsListener', {
        listenerArn: lb.httpsListenerArn,
        securityGroup,
      }),
    });
  }
  return ecsRuntime({
    cluster,
    cloudMapNamespace,
    defaultCapacityProvider: slice.defaultCapacityProvider ?? 'FARGATE',
    sharedLoadBalancer,
  });
}
