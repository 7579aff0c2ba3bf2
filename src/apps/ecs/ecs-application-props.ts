import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IHarmonixEnvironment } from '../../contract/environment';

/** The app's own load balancer, for an environment without a shared one (or by choice). */
export interface AppLoadBalancerOptions {
  /**
   * Whether the load balancer is reachable from the internet (then `certificate` is required).
   * @default false - internal, reachable from the environment's VPC
   */
  readonly internetFacing?: boolean;
  /**
   * Certificate for HTTPS (TLS 1.2 or later); HTTP is then redirected to HTTPS.
   * @default - an internal load balancer listens on HTTP port 80 inside the VPC
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Domain name of the app (covered by the certificate), for its URL.
   * @default - the load balancer's DNS name
   */
  readonly domainName?: string;
  /**
   * IPv4 CIDR blocks that may reach the load balancer.
   * @default - anywhere for an internet-facing one, the VPC for an internal one
   */
  readonly allowedCidrs?: string[];
}

/** Properties of an `EcsApplication`. */
export interface EcsApplicationProps {
  /** The ECS environment to deploy into, owned or imported from its descriptor. */
  readonly environment: IHarmonixEnvironment;
  /** App name, a DNS label: it names the Cloud Map service, log group, SSM URL and tags. */
  readonly appName: string;
  /**
   * The container image.
   * @default - `repository` at `imageTag`; one of `image` and `repository` is required
   */
  readonly image?: ecs.ContainerImage;
  /**
   * ECR repository of the image (with `imageTag`).
   * @default - `image` is used
   */
  readonly repository?: ecr.IRepository;
  /**
   * Image tag in `repository` (use an immutable tag such as the commit).
   * @default - required with `repository`
   */
  readonly imageTag?: string;
  /**
   * Port the container listens on.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Task cpu units (256 = 0.25 vCPU), a size Fargate accepts.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, a size Fargate accepts with `cpu`.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU architecture of the image.
   * @default ecs.CpuArchitecture.ARM64 (Graviton)
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Tasks to run when the service is created.
   * @default - `minCount`
   */
  readonly desiredCount?: number;
  /**
   * Fewest tasks auto scaling keeps.
   * @default 1
   */
  readonly minCount?: number;
  /**
   * Most tasks auto scaling starts.
   * @default 4
   */
  readonly maxCount?: number;
  /**
   * Average CPU utilization (percent) that auto scaling keeps.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Requests per target per minute that auto scaling keeps.
   * @default 1000
   */
  readonly requestsPerTarget?: number;
  /**
   * Environment variables of the container.
   * @default - none (bindings add theirs)
   */
  readonly environmentVariables?: { [name: string]: string };
  /**
   * Secrets of the container, injected by ECS at start.
   * @default - none (bindings add theirs)
   */
  readonly secrets?: { [name: string]: ecs.Secret };
  /**
   * User (and group) the container runs as; never root.
   * @default "1000:1000"
   */
  readonly user?: string;
  /**
   * Whether the root file system is read-only (a writable volume is mounted at `/tmp`).
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Retention of the app's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Let the tasks send any traffic anywhere. By default they reach HTTPS (port 443) anywhere,
   * which AWS APIs, ECR and most registries and web APIs use, and the databases bound to the
   * app on their port; open more with `connections` (`app.connections.allowTo(...)`), or all
   * of it here.
   * @default false
   */
  readonly allowAllOutbound?: boolean;
  /**
   * Host names routed to the app on the environment's shared load balancer.
   * @default - any host (then `pathPatterns` is required)
   */
  readonly hostHeaders?: string[];
  /**
   * Path patterns routed to the app on the shared load balancer (for example `/orders/*`).
   * @default - any path (then `hostHeaders` is required)
   */
  readonly pathPatterns?: string[];
  /**
   * Priority of the app's rule on the shared load balancer (1 to 50000), unique per environment.
   * @default - required when the app uses the shared load balancer
   */
  readonly priority?: number;
  /**
   * Path the load balancer checks.
   * @default "/"
   */
  readonly healthCheckPath?: string;
  /**
   * Give the app its own load balancer. Used when the environment has no shared load balancer
   * (then with these defaults: internal, HTTP inside the VPC), or by choice.
   * @default - the environment's shared load balancer if it has one, else an internal one
   */
  readonly loadBalancer?: AppLoadBalancerOptions;
}
