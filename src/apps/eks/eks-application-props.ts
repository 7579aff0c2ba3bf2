import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IHarmonixEnvironment } from '../../contract/environment';

/** The CPU architecture an app's image is built for; its pods run on nodes of that architecture. */
export enum EksArchitecture {
  /** Graviton (`kubernetes.io/arch=arm64`). */
  ARM64 = 'arm64',
  /** x86-64 (`kubernetes.io/arch=amd64`). */
  AMD64 = 'amd64',
}

/** Properties of an `EksApplication`. */
export interface EksApplicationProps {
  /** The EKS environment to deploy into, owned or imported from its descriptor. */
  readonly environment: IHarmonixEnvironment;
  /** App name, a DNS label: it names the Kubernetes objects, the SSM URL and tags. */
  readonly appName: string;
  /** The application namespace of the environment to run in (one the environment has). */
  readonly namespaceName: string;
  /**
   * The image, as a full reference pinned to a tag or digest (`<registry>/<repository>:<tag>`
   * or `...@sha256:<digest>`).
   * @default - `repository` at `imageTag`; one of `image` and `repository` is required
   */
  readonly image?: string;
  /**
   * ECR repository of the image (with `imageTag`).
   * @default - `image` is used
   */
  readonly repository?: ecr.IRepository;
  /**
   * Image tag or digest in `repository` (use an immutable tag such as the commit).
   * @default - required with `repository`
   */
  readonly imageTag?: string;
  /**
   * CPU architecture of the image; pods get a required node affinity to it.
   * @default EksArchitecture.ARM64 (Graviton)
   */
  readonly architecture?: EksArchitecture;
  /**
   * Port the container listens on.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * CPU the container requests, in millicores (1000 = one vCPU).
   * @default 250
   */
  readonly cpuMillicores?: number;
  /**
   * Most CPU the container may use, in millicores (at least `cpuMillicores`).
   * @default - twice `cpuMillicores`
   */
  readonly cpuLimitMillicores?: number;
  /**
   * Memory the container requests and may use, in MiB (request and limit are equal, so the pod
   * is never killed for using what it asked for).
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Fewest replicas; the HorizontalPodAutoscaler keeps at least this many.
   * @default 1
   */
  readonly minCount?: number;
  /**
   * Most replicas the HorizontalPodAutoscaler starts; equal to `minCount`, the replicas are
   * fixed and no autoscaler is created.
   * @default - the larger of 4 and `minCount`
   */
  readonly maxCount?: number;
  /**
   * Average CPU utilization (percent of the request) the HorizontalPodAutoscaler keeps.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Environment variables of the container (bindings add theirs).
   * @default - none
   */
  readonly environmentVariables?: { [name: string]: string };
  /**
   * Numeric user id the container runs as; never 0 (root).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Numeric group id the container runs as (also the pod's file system group); never 0.
   * @default 1000
   */
  readonly runAsGroup?: number;
  /**
   * Whether the root file system is read-only (an emptyDir volume is mounted at `/tmp`).
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Path the liveness, readiness and startup probes and the load balancer check.
   * @default "/"
   */
  readonly healthCheckPath?: string;
  /**
   * Host names routed to the app (Ingress rule hosts), exact names such as `orders.example.com`.
   * @default - any host
   */
  readonly hosts?: string[];
  /**
   * Path prefixes routed to the app (for example `/orders`).
   * @default ["/"]
   */
  readonly paths?: string[];
  /**
   * Certificate for HTTPS on the load balancer (TLS 1.2 or later); HTTP is then redirected to
   * HTTPS. It must cover `hosts`.
   * @default - HTTP only, on port 80
   */
  readonly certificate?: acm.ICertificate;
}
