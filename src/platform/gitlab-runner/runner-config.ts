// smol-toml ships CommonJS beside ESM, but declares its types for ESM only: typed here as used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml: { stringify(document: Record<string, unknown>): string } = require('smol-toml');

/** One `[[runners.autoscaler.policy]]` entry, as GitLab documents its keys. */
export interface AutoscalerPolicy {
  readonly periods: string[];
  readonly timezone: string;
  readonly idleCount: number;
  /** Seconds. */
  readonly idleTimeSeconds: number;
}

/** What the docker-autoscaler section needs. */
export interface AutoscalerSettings {
  /** `plugin` value: a registry reference (`aws:1.0.0`) or a binary name on PATH (`fleeting-plugin-aws`). */
  readonly plugin: string;
  readonly capacityPerInstance: number;
  readonly maxUseCount: number;
  readonly maxInstances: number;
  /** Name and region of the job instances' Auto Scaling group. */
  readonly groupName: string;
  readonly region: string;
  /** `x86_64` or `arm64`, as the AWS plugin names them. */
  readonly arch: string;
  /** The first entry applies all the time; later ones override it in their periods. */
  readonly policies: AutoscalerPolicy[];
}

/** The distributed cache: an S3 bucket reached with the instance role. */
export interface CacheSettings {
  readonly bucketName: string;
  readonly region: string;
  readonly kmsKeyArn: string;
}

/** Everything `config.toml` holds, apart from the URL and token that `gitlab-runner register` adds. */
export interface RunnerConfigSettings {
  readonly concurrent: number;
  readonly runnerName: string;
  readonly executor: string;
  /** Jobs this runner entry runs at once. */
  readonly limit: number;
  readonly defaultImage: string;
  readonly privileged: boolean;
  /** Lift Docker's seccomp and AppArmor profiles so that Buildah can build in a job container. */
  readonly unprivilegedImageBuilds: boolean;
  readonly cache: CacheSettings;
  /** For docker-autoscaler only. */
  readonly autoscaler?: AutoscalerSettings;
}

/** The command that tells the manager a new job instance has finished booting (its user data). */
export const INSTANCE_READY_COMMAND = 'cloud-init status --wait';

/** A duration as Go's time.ParseDuration reads it, for example `20m0s`. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/**
 * The global part of `config.toml`, written before registration; `gitlab-runner register`
 * appends the `[[runners]]` entry to it.
 */
export function globalConfig(settings: RunnerConfigSettings): Record<string, unknown> {
  return {
    concurrent: settings.concurrent,
    check_interval: 3,
    log_format: 'json',
    shutdown_timeout: 30,
  };
}

/**
 * The `[[runners]]` entry, given to `gitlab-runner register --template-config`: every key is
 * one of GitLab's documented `config.toml` keys.
 */
export function runnerTemplate(settings: RunnerConfigSettings): Record<string, unknown> {
  const runner: Record<string, unknown> = {
    name: settings.runnerName,
    executor: settings.executor,
    limit: settings.limit,
    cache: {
      Type: 's3',
      Shared: true,
      s3: {
        AuthenticationType: 'iam',
        BucketName: settings.cache.bucketName,
        BucketLocation: settings.cache.region,
        ServerSideEncryption: 'KMS',
        ServerSideEncryptionKeyID: settings.cache.kmsKeyArn,
      },
    },
    docker: {
      image: settings.defaultImage,
      privileged: settings.privileged,
      ...(settings.unprivilegedImageBuilds ? { security_opt: ['seccomp:unconfined', 'apparmor:unconfined'] } : {}),
      tls_verify: false,
      disable_cache: false,
      volumes: ['/cache'],
      shm_size: 0,
    },
  };
  const a = settings.autoscaler;
  if (a) {
    runner.autoscaler = {
      plugin: a.plugin,
      capacity_per_instance: a.capacityPerInstance,
      max_use_count: a.maxUseCount,
      max_instances: a.maxInstances,
      delete_instances_on_shutdown: true,
      instance_ready_command: INSTANCE_READY_COMMAND,
      plugin_config: { name: a.groupName, region: a.region },
      connector_config: {
        os: 'linux',
        arch: a.arch,
        protocol: 'ssh',
        username: 'ec2-user',
        use_external_addr: false,
        use_static_credentials: false,
      },
      policy: a.policies.map(p => ({
        periods: p.periods,
        timezone: p.timezone,
        idle_count: p.idleCount,
        idle_time: goDuration(p.idleTimeSeconds),
      })),
    };
  }
  return { runners: [runner] };
}

/** Renders a configuration document as TOML. */
export function renderToml(document: Record<string, unknown>): string {
  return `${toml.stringify(document)}\n`;
}
