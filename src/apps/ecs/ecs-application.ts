import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppLoadBalancerOptions, EcsApplicationProps } from './ecs-application-props';
import { propError } from '../../common/errors';
import { validateFargateSize } from '../../common/fargate-sizes';
import { acceptFindings } from '../../common/nag';
import { validateCidr, validateIntegerRange } from '../../common/validation';
import { validateDomainName, validateHealthCheckPath, validateRuleConditions } from '../../common/web-names';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';
import { IEcsRuntime } from '../../contract/runtimes/ecs';
import {
  AppBindings, appAccessLogBucket, checkAppPlacement, checkImageChoice, createAppLogGroup, prepareAppStack, publishAppUrl, tagApp,
} from '../app-commons';
import { BindOptions, IApplication, IAppResource } from '../application';

const CONTAINER_NAME = 'app';

/**
 * One containerized app on ECS Fargate in a Harmonix ECS environment, owned or imported from
 * its descriptor: task definition (Graviton, non-root, read-only root file system), service in
 * private subnets on the environment's capacity providers with circuit breaker and rollback,
 * Cloud Map registration, auto scaling on CPU and requests, and a route on the environment's
 * shared HTTPS load balancer (or a load balancer of its own).
 */
export class EcsApplication extends Construct implements IApplication {
  public readonly appName: string;
  public readonly environment: IHarmonixEnvironment;
  public readonly url: string;
  /** The task role: what the app's code may do (bindings add to it). */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The tasks' network connections (always present for an ECS app). */
  public readonly connections?: ec2.Connections;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly service: ecs.FargateService;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The app's own load balancer, when it has one. */
  public readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  public readonly logGroup: logs.LogGroup;
  /** The SSM parameter `/harmonix/apps/<app>/<environment>/url`. */
  public readonly urlParameter: ssm.StringParameter;
  private readonly bindings: AppBindings;

  constructor(scope: Construct, id: string, props: EcsApplicationProps) {
    super(scope, id);
    const env = props.environment;
    checkAppPlacement(this, props.appName, env, EnvironmentKind.ECS, env.ecs !== undefined && env.vpc !== undefined);
    const runtime = env.ecs!;
    const vpc = env.vpc!;
    this.appName = props.appName;
    this.environment = env;
    this.bindings = new AppBindings(this);

    const containerPort = validateIntegerRange(this, 'containerPort', props.containerPort ?? 8080, 1, 65535);
    const cpu = props.cpu ?? 256;
    const memoryLimitMiB = props.memoryLimitMiB ?? 512;
    validateFargateSize(this, cpu, memoryLimitMiB);
    const minCount = validateIntegerRange(this, 'minCount', props.minCount ?? 1, 0, 1000);
    const maxCount = validateIntegerRange(this, 'maxCount', props.maxCount ?? Math.max(4, minCount), 1, 1000);
    if (!Token.isUnresolved(minCount) && !Token.isUnresolved(maxCount) && maxCount < minCount) {
      throw propError(this, 'maxCount', `${maxCount} is below minCount ${minCount}.`);
    }
    const desiredCount = validateIntegerRange(this, 'desiredCount', props.desiredCount ?? minCount, minCount, maxCount);
    validateIntegerRange(this, 'targetCpuUtilizationPercent', props.targetCpuUtilizationPercent ?? 70, 10, 95);
    validateIntegerRange(this, 'requestsPerTarget', props.requestsPerTarget ?? 1000, 1, 1_000_000);

    this.logGroup = createAppLogGroup(this, 'Logs', env, this.appName, props.logRetention ?? logs.RetentionDays.ONE_MONTH);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: `harmonix-${env.environmentName}-${this.appName}`,
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    // CloudFormation deregisters a replaced revision with ecs:DeregisterTaskDefinition, which IAM
    // authorizes against no resource: an environment's execution policy cannot limit it to its own
    // families, so it does not hold it. Replaced revisions stay registered instead (they cost
    // nothing; `harmonix teardown` lists the family to deregister after the stack is gone).
    this.taskDefinition.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.grantPrincipal = this.taskDefinition.taskRole;
    const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    this.container = this.taskDefinition.addContainer(CONTAINER_NAME, {
      image: containerImage(this, props),
      portMappings: [{ containerPort, name: 'http' }],
      user: checkUser(this, props.user ?? '1000:1000'),
      readonlyRootFilesystem,
      environment: { ...props.environmentVariables },
      secrets: { ...props.secrets },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: this.appName, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
    });
    if (props.repository) {
      // fromEcrRepository grants the pull actions on the repository, and the sign-in action that
      // has no resource to scope to.
      acceptFindings(this.taskDefinition.obtainExecutionRole(), {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken (signing in to pull the image) takes no resource: ECR documents Resource "*" for it; '
          + 'the pull actions are granted on the app\'s repository only.',
      });
    }
    for (const name of [...Object.keys(props.environmentVariables ?? {}), ...Object.keys(props.secrets ?? {})]) {
      this.bindings.claimVariable(name, 'the app\'s props');
    }
    if (readonlyRootFilesystem) {
      this.taskDefinition.addVolume({ name: 'tmp' });
      this.container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    }

    const allowAllOutbound = props.allowAllOutbound ?? false;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `harmonix app ${this.appName} in ${env.environmentName}: tasks`,
      allowAllOutbound,
    });
    if (!allowAllOutbound) {
      // Image pulls, secrets, logs and AWS APIs are HTTPS; bound databases add their own port.
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: AWS APIs, image registries and web APIs');
    }
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: runtime.cluster,
      serviceName: this.appName,
      taskDefinition: this.taskDefinition,
      desiredCount,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      assignPublicIp: false,
      capacityProviderStrategies: runtime.defaultCapacityProviderStrategies,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      cloudMapOptions: {
        cloudMapNamespace: runtime.cloudMapNamespace,
        name: this.appName,
        dnsRecordType: servicediscovery.DnsRecordType.A,
        dnsTtl: Duration.seconds(10),
      },
    });
    this.connections = this.service.connections;

    const routed = this.route(props, runtime, containerPort);
    this.targetGroup = routed.targetGroup;
    this.loadBalancer = routed.loadBalancer;
    this.url = routed.url;

    const scaling = this.service.autoScaleTaskCount({ minCapacity: minCount, maxCapacity: maxCount });
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 70 });
    scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: props.requestsPerTarget ?? 1000, targetGroup: this.targetGroup });

    this.urlParameter = publishAppUrl(this, this.appName, env, this.url);
    tagApp(this, this.appName, env);
    prepareAppStack(this, env);
    acceptFindings(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason: 'Plain environment variables carry only non-secret settings and connection details; secrets reach the container as ECS secrets.',
    });
  }

  public addEnvironment(name: string, value: string): void {
    this.bindings.claimVariable(name, 'addEnvironment');
    this.container.addEnvironment(name, value);
  }

  public addSecret(name: string, secret: secretsmanager.ISecret, field?: string): void {
    this.bindings.claimVariable(name, 'addSecret');
    this.container.addSecret(name, ecs.Secret.fromSecretsManager(secret, field));
  }

  public bind(resource: IAppResource, options?: BindOptions): void {
    this.bindings.bind(resource, options);
  }

  /** The app's route: a rule on the shared load balancer, or a load balancer of its own. */
  private route(props: EcsApplicationProps, runtime: IEcsRuntime, containerPort: number): Routed {
    const healthCheckPath = validateHealthCheckPath(this, 'healthCheckPath', props.healthCheckPath ?? '/');
    validateRuleConditions(this, '', props.hostHeaders, props.pathPatterns);
    const shared = runtime.sharedLoadBalancer;
    if (shared && !props.loadBalancer) {
      if (props.priority === undefined) {
        throw propError(this, 'priority', `environment ${this.environment.environmentName} routes apps through its shared load balancer: give the app's rule a priority (1 to 50000), unique in the environment.`);
      }
      const targetGroup = shared.addRoute(this, 'Route', {
        service: this.service,
        priority: props.priority,
        hostHeaders: props.hostHeaders,
        pathPatterns: props.pathPatterns,
        containerName: CONTAINER_NAME,
        containerPort,
        healthCheckPath,
      });
      const host = props.hostHeaders?.[0] ?? shared.loadBalancer.loadBalancerDnsName;
      return { targetGroup, url: `https://${host}${pathBase(props.pathPatterns)}` };
    }
    for (const prop of ['priority', 'hostHeaders', 'pathPatterns'] as const) {
      if (props[prop] !== undefined) {
        throw propError(this, prop, `applies to the environment's shared load balancer, and this app has ${shared ? 'chosen ' : ''}its own: leave it out${shared ? ', or drop `loadBalancer`' : ''}.`);
      }
    }
    return this.ownLoadBalancer(props.loadBalancer ?? {}, containerPort, healthCheckPath);
  }

  private ownLoadBalancer(options: AppLoadBalancerOptions, containerPort: number, healthCheckPath: string): Routed {
    const vpc = this.environment.vpc!;
    if (options.domainName !== undefined) {
      validateDomainName(this, 'loadBalancer.domainName', options.domainName);
    }
    const internetFacing = options.internetFacing ?? false;
    if (internetFacing && !options.certificate) {
      throw propError(this, 'loadBalancer.certificate', 'is required for an internet-facing load balancer: apps are reached over HTTPS only from the internet.');
    }
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing,
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      dropInvalidHeaderFields: true,
    });
    loadBalancer.logAccessLogs(appAccessLogBucket(this, this.environment), `alb/${this.environment.environmentName}/${this.appName}`);
    const listener = options.certificate
      ? loadBalancer.addListener('Https', {
        port: 443,
        certificates: [options.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
      })
      : loadBalancer.addListener('Http', { port: 80, open: false });
    const cidrs = options.allowedCidrs ?? [internetFacing ? '0.0.0.0/0' : vpc.vpcCidrBlock];
    cidrs.forEach((cidr, i) => {
      validateCidr(this, `loadBalancer.allowedCidrs[${i}]`, cidr, 0, 32);
      listener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr), 'Clients of the app');
      if (options.certificate) {
        loadBalancer.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
      }
    });
    if (options.certificate) {
      loadBalancer.addListener('HttpRedirect', {
        port: 80,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
    }
    if (internetFacing && cidrs.includes('0.0.0.0/0')) {
      acceptFindings(loadBalancer, {
        id: 'AwsSolutions-EC23',
        reason: 'An internet-facing app load balancer is open to the internet by the app\'s choice; it speaks HTTPS only (HTTP redirects).',
      });
    }
    const targetGroup = listener.addTargets('Targets', {
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: healthCheckPath, healthyHttpCodes: '200-399' },
      targets: [this.service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort })],
    });
    const scheme = options.certificate ? 'https' : 'http';
    return { targetGroup, loadBalancer, url: `${scheme}://${options.domainName ?? loadBalancer.loadBalancerDnsName}` };
  }
}

interface Routed {
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  readonly url: string;
}

/** The image from `image`, or from `repository` at `imageTag`: exactly one of them. */
function containerImage(scope: Construct, props: EcsApplicationProps): ecs.ContainerImage {
  const tag = checkImageChoice(scope, props, 'an ecs.ContainerImage');
  return tag === undefined ? props.image! : ecs.ContainerImage.fromEcrRepository(props.repository!, tag);
}

/** A container user that is not root. */
function checkUser(scope: Construct, user: string): string {
  const name = user.split(':')[0];
  if (name === 'root' || name === '0' || name === '') {
    throw propError(scope, 'user', `"${user}" runs the container as root; use an unprivileged user such as "1000:1000".`);
  }
  return user;
}

/** The fixed start of the first path pattern (`/orders/*` gives `/orders`). */
function pathBase(patterns: string[] | undefined): string {
  const first = patterns?.[0];
  if (!first) return '';
  const base = first.split('*')[0].replace(/\/+$/, '');
  return base === '' ? '' : base;
}
