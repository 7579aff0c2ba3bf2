import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NatProviderType } from '../../common/vpc';

/**
 * A period with its own idle capacity, for example working hours with one instance kept warm.
 * It becomes one `[[runners.autoscaler.policy]]` entry; the last matching entry wins.
 */
export interface RunnerIdleSchedule {
  /**
   * Unix-cron periods (five fields: minute hour day-of-month month day-of-week) when this
   * schedule applies, for example `"* 8-18 * * mon-fri"`.
   */
  readonly periods: string[];
  /**
   * Time zone of the periods, an IANA name such as `"Europe/Berlin"`.
   * @default "UTC"
   */
  readonly timezone?: string;
  /** Job capacity kept idle and ready during the periods. */
  readonly idleCount: number;
  /**
   * How long an idle instance stays before it is removed during the periods.
   * @default - the executor's `idleTime`
   */
  readonly idleTime?: Duration;
}

/** The docker-autoscaler executor: a small manager and job instances it scales, down to zero. */
export interface DockerAutoscalerOptions {
  /**
   * Instance type of the manager, which runs `gitlab-runner` and the fleeting plugin, no jobs.
   * @default t4g.small (Graviton)
   */
  readonly managerInstanceType?: ec2.InstanceType;
  /**
   * Instance types of the job instances, all of one architecture; more than one spreads
   * Spot capacity.
   * @default [m7g.large] (Graviton: images built on it run on ARM64 Fargate, this library's default)
   */
  readonly instanceTypes?: ec2.InstanceType[];
  /**
   * Most job instances at once (pending, running or deleting).
   * @default 10
   */
  readonly maxInstances?: number;
  /**
   * Job capacity kept idle outside the schedules. 0 scales to zero instances when no job runs.
   * @default 0
   */
  readonly idleCount?: number;
  /**
   * How long an idle instance stays before it is removed.
   * @default Duration.minutes(20)
   */
  readonly idleTime?: Duration;
  /**
   * Jobs one instance runs at once. GitLab's scale-to-zero only works with 1 (runner issue
   * 37643), so a higher value needs an idle count above 0.
   * @default 1
   */
  readonly capacityPerInstance?: number;
  /**
   * Jobs an instance runs before it is replaced. 1 gives every job a fresh instance.
   * @default 1
   */
  readonly maxUseCount?: number;
  /**
   * Periods with their own idle capacity (working hours, for example).
   * @default - none: `idleCount` all the time
   */
  readonly schedules?: RunnerIdleSchedule[];
  /**
   * Run job instances on Spot capacity (a job on a reclaimed instance fails and can be retried).
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Size of each job instance's root volume in GiB (images, layers, build context).
   * @default 64
   */
  readonly volumeSize?: number;
}

/** The docker executor on a fixed group of warm runner instances. */
export interface DockerRunnerFleetOptions {
  /**
   * Instance types of the runner instances, all of one architecture.
   * @default [m7g.large] (Graviton)
   */
  readonly instanceTypes?: ec2.InstanceType[];
  /**
   * Fewest runner instances.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most runner instances.
   * @default - minCapacity
   */
  readonly maxCapacity?: number;
  /**
   * Runner instances wanted; leave unset to let scheduled or manual changes stand across deployments.
   * @default - minCapacity at creation
   */
  readonly desiredCapacity?: number;
  /**
   * Jobs each runner instance runs at once (its `concurrent`).
   * @default 2
   */
  readonly concurrentJobsPerInstance?: number;
  /**
   * Run the runner instances on Spot capacity.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Size of each runner instance's root volume in GiB.
   * @default 64
   */
  readonly volumeSize?: number;
}

/** How the runner runs jobs. */
export class GitlabRunnerExecutor {
  /**
   * GitLab's docker-autoscaler executor with the AWS fleeting plugin: a manager instance scales
   * a group of job instances between zero and `maxInstances`.
   */
  public static dockerAutoscaler(options: DockerAutoscalerOptions = {}): GitlabRunnerExecutor {
    return new GitlabRunnerExecutor('docker-autoscaler', options, undefined);
  }

  /** The docker executor on a fixed group of warm runner instances. */
  public static docker(options: DockerRunnerFleetOptions = {}): GitlabRunnerExecutor {
    return new GitlabRunnerExecutor('docker', undefined, options);
  }

  /** The executor name in `config.toml`: `docker-autoscaler` or `docker`. */
  public readonly name: string;
  /** Options of `dockerAutoscaler`. */
  public readonly autoscalerOptions?: DockerAutoscalerOptions;
  /** Options of `docker`. */
  public readonly dockerOptions?: DockerRunnerFleetOptions;

  private constructor(name: string, autoscalerOptions: DockerAutoscalerOptions | undefined, dockerOptions: DockerRunnerFleetOptions | undefined) {
    this.name = name;
    this.autoscalerOptions = autoscalerOptions;
    this.dockerOptions = dockerOptions;
  }
}

/**
 * A program a runner instance installs at boot, pinned: a version from a signed distribution,
 * or a binary at an HTTPS URL with the SHA-256 it must have.
 */
export class PinnedSource {
  /** `repository` or `registry` (a version from GitLab's distribution), or `binary` (a URL and a SHA-256). */
  public readonly kind: string;
  /** The version, for `repository` and `registry`. */
  public readonly version?: string;
  /** The URL, for `binary`. */
  public readonly url?: string;
  /** The SHA-256 of the binary, for `binary`. */
  public readonly sha256?: string;

  protected constructor(kind: string, version: string | undefined, url: string | undefined, sha256: string | undefined) {
    this.kind = kind;
    this.version = version;
    this.url = url;
    this.sha256 = sha256;
  }
}

/** Where `gitlab-runner` comes from, at a pinned version. */
export class GitlabRunnerSource extends PinnedSource {
  /**
   * GitLab's package repository (packages.gitlab.com, signed packages checked by dnf against
   * GitLab's key), the exact version given.
   */
  public static packageRepository(version: string): GitlabRunnerSource {
    return new GitlabRunnerSource('repository', version, undefined, undefined);
  }

  /**
   * A `gitlab-runner` Linux binary for the hosts' architecture (the manager's, for
   * docker-autoscaler) at a URL (a mirror of GitLab's downloads), checked against its SHA-256.
   */
  public static binary(url: string, sha256: string): GitlabRunnerSource {
    return new GitlabRunnerSource('binary', undefined, url, sha256);
  }
}

/** Where the AWS fleeting plugin of the docker-autoscaler executor comes from, at a pinned version. */
export class FleetingPluginSource extends PinnedSource {
  /**
   * GitLab's OCI registry distribution (`gitlab-runner fleeting install`), the exact version
   * given; the runner checks the image against the digest the registry lists.
   */
  public static registry(version: string): FleetingPluginSource {
    return new FleetingPluginSource('registry', version, undefined, undefined);
  }

  /** A `fleeting-plugin-aws` binary for the manager's architecture at a URL, checked against its SHA-256. */
  public static binary(url: string, sha256: string): FleetingPluginSource {
    return new FleetingPluginSource('binary', undefined, url, sha256);
  }
}

/** Properties of `GitlabRunner`. */
export interface GitlabRunnerProps {
  /**
   * URL of the GitLab instance: gitlab.com or a self-managed GitLab (HTTPS, optionally with a
   * port and a relative URL root).
   * @default "https://gitlab.com"
   */
  readonly gitlabUrl?: string;
  /**
   * How jobs run.
   * @default GitlabRunnerExecutor.dockerAutoscaler()
   */
  readonly executor?: GitlabRunnerExecutor;
  /**
   * Secret that holds the runner authentication token (`glrt-...`) of a runner created in
   * GitLab (Settings > CI/CD > Runners, or the `POST /user/runners` API). Read at boot by the
   * instance that runs `gitlab-runner`; never in user data or the template.
   * @default - a new secret, encrypted with the runner's key, that the operator fills with the token
   */
  readonly tokenSecret?: secretsmanager.ISecret;
  /**
   * Name of the runner: its instances register as `<runnerName>-<instance id>`, and it names
   * the log group and the job group.
   * @default "harmonix"
   */
  readonly runnerName?: string;
  /**
   * Name of the role jobs run as, the role environments trust (`provisioningTrustedRoleArns`).
   * @default "harmonix-gitlab-runner"
   */
  readonly roleName?: string;
  /**
   * Jobs the runner runs at once (`concurrent`).
   * @default - maxInstances x capacityPerInstance for docker-autoscaler, concurrentJobsPerInstance for docker
   */
  readonly concurrency?: number;
  /**
   * Image of jobs that name none.
   * @default "public.ecr.aws/docker/library/alpine:3.22"
   */
  readonly defaultImage?: string;
  /**
   * Run job containers privileged (Docker-in-Docker). Blueprints build images without it.
   * @default false
   */
  readonly privileged?: boolean;
  /**
   * Let job containers build images without privileges, as the blueprints' build jobs do with
   * Buildah (or rootless BuildKit): Docker's default seccomp and AppArmor profiles, which refuse
   * the user namespaces those builders need, are lifted from job containers
   * (`security_opt = ["seccomp:unconfined", "apparmor:unconfined"]`). Jobs stay unprivileged,
   * without the host's devices or the Docker socket.
   * @default false
   */
  readonly unprivilegedImageBuilds?: boolean;
  /**
   * Tags of the runner. With runner authentication tokens GitLab keeps the tags on the runner
   * it created, not in `config.toml`: give these when creating the runner; the construct
   * writes them into the token secret's description and a stack output.
   * @default - none: the runner picks untagged jobs
   */
  readonly tags?: string[];
  /**
   * VPC with private subnets that reach the internet (GitLab, registries, AWS APIs).
   * @default - a new VPC: 2 zones, one NAT gateway, flow logs, S3 and DynamoDB gateway endpoints
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the instances.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * What gives a new VPC its way out.
   * @default NatProviderType.GATEWAY
   */
  readonly natProvider?: NatProviderType;
  /**
   * Let the instances that run jobs send any traffic anywhere. By default they reach HTTPS (443:
   * GitLab, registries, package indexes, AWS APIs) and HTTP (80: the Debian and Ubuntu package
   * mirrors that job images use, whose packages are signed) anywhere, and GitLab's port when its
   * URL names another; jobs that reach other ports (test databases, Git over SSH) need this, or a
   * rule added to `jobSecurityGroup`. The manager reaches HTTPS, GitLab and its job instances'
   * SSH only, either way.
   * @default false
   */
  readonly allowAllOutbound?: boolean;
  /**
   * Days after which cache objects expire.
   * @default 14
   */
  readonly cacheExpirationDays?: number;
  /**
   * Retention of the runner's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where `gitlab-runner` comes from.
   * @default GitlabRunnerSource.packageRepository("18.5.0")
   */
  readonly runnerSource?: GitlabRunnerSource;
  /**
   * Where the AWS fleeting plugin comes from (docker-autoscaler only).
   * @default FleetingPluginSource.registry("1.0.0")
   */
  readonly fleetingPluginSource?: FleetingPluginSource;
  /**
   * Keep the key, logs and cache bucket when the stack is deleted.
   * @default true
   */
  readonly retainData?: boolean;
}
