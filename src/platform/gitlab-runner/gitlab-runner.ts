import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  DockerAutoscalerOptions, DockerRunnerFleetOptions, FleetingPluginSource, GitlabRunnerExecutor, GitlabRunnerProps, GitlabRunnerSource,
} from './gitlab-runner-props';
import { RunnerApp, RunnerAppOptions } from './runner-app';
import { AutoscalerPolicy, globalConfig, renderToml, RunnerConfigSettings, runnerTemplate } from './runner-config';
import {
  validateDownload, validateGitlabUrl, validateImage, validateSchedules, validateTags, validateVersion,
} from './runner-validation';
import { scriptUserData, UserDataFile } from './user-data';
import { createDataBucket } from '../../common/buckets';
import { propError } from '../../common/errors';
import { routeStackProviderLogs } from '../../common/function-logs';
import { addScopedStatements } from '../../common/iam';
import { allowEcrSignIn, ECR_PUSH_ACTIONS } from '../../common/image-repository';
import { allowLogsToUseKey, allowServiceLinkedRoleToUseKey } from '../../common/key-policy';
import { acceptFindings } from '../../common/nag';
import { tagPlatform } from '../../common/tags';
import { checkIamName, validateAppName, validateInstanceTypes, validateIntegerRange, validateShortName } from '../../common/validation';
import { createVpc, FlowLogDestinationType, NatProviderType } from '../../common/vpc';
import { IHarmonixEnvironment } from '../../contract/environment';

const DEFAULT_RUNNER_VERSION = '18.5.0';
const DEFAULT_PLUGIN_VERSION = '1.0.0';
const LOG_PREFIX = '/harmonix/platform/gitlab-runner/';
const STAGING = '/etc/harmonix-runner';
/** Root volume of Amazon Linux 2023. */
const ROOT_DEVICE = '/dev/xvda';
/** Actions of an instance that Session Manager reaches; none of them has resource-level permissions. */
const SESSION_MANAGER_ACTIONS = [
  'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
];

/** One group of instances: its launch template and Auto Scaling group. */
interface GroupSpec {
  readonly name: string;
  readonly instanceTypes: ec2.InstanceType[];
  readonly spot: boolean;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly role: iam.IRole;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly userData: ec2.UserData;
  readonly volumeSize: number;
  /** 2 lets job containers reach instance metadata (the role jobs run as); 1 keeps it to the host. */
  readonly hopLimit: number;
  /** The group belongs to the autoscaler: no scaling of its own, instances protected from scale-in. */
  readonly managedByRunner: boolean;
  readonly replaceOnUpdate: boolean;
}

/**
 * A GitLab runner fleet on EC2 for gitlab.com or a self-managed GitLab, in the platform account.
 *
 * By default GitLab's docker-autoscaler executor with the AWS fleeting plugin: a small Graviton
 * manager runs `gitlab-runner` and scales a group of job instances between zero and
 * `maxInstances`, one job per instance; jobs run as the runner role, which may push only to the
 * repositories given to `allowPushTo` and assume only the provisioning roles of the
 * environments given to `allowDeployTo`. The runner authentication token stays in Secrets
 * Manager, the configuration is rendered as TOML, logs go to CloudWatch, the cache to S3.
 */
export class GitlabRunner extends Construct {
  public readonly vpc: ec2.IVpc;
  /** Customer-managed key of the volumes, logs, cache and the created token secret. */
  public readonly key: kms.Key;
  /** The role jobs run as: the role environments trust to deploy (`provisioningTrustedRoleArns`). */
  public readonly runnerRole: iam.Role;
  /** The manager's role (docker-autoscaler): reads the token, scales the job group. */
  public readonly managerRole?: iam.Role;
  /** The secret of the runner authentication token. */
  public readonly tokenSecret: secretsmanager.ISecret;
  /** The distributed cache. */
  public readonly cacheBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** The instances that run jobs: the autoscaler's job group, or the docker executor's runner group. */
  public readonly jobGroup: autoscaling.AutoScalingGroup;
  /** The manager's group of one (docker-autoscaler). */
  public readonly managerGroup?: autoscaling.AutoScalingGroup;
  public readonly jobSecurityGroup: ec2.SecurityGroup;
  public readonly managerSecurityGroup?: ec2.SecurityGroup;
  /** The rendered global `config.toml` (before registration adds the `[[runners]]` entry). */
  public readonly configToml: string;
  /** The rendered `[[runners]]` entry given to `gitlab-runner register --template-config`. */
  public readonly runnerTemplateToml: string;
  /** The runner's tags, to give GitLab when creating the runner. */
  public readonly tags: string[];
  private readonly pushStatement: iam.PolicyStatement;
  private readonly deployStatement: iam.PolicyStatement;
  private readonly repositories = new Set<string>();
  private readonly environments = new Set<string>();
  private readonly apps = new Set<string>();
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: GitlabRunnerProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const retain = props.retainData ?? true;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.removalPolicy = removalPolicy;
    const executor = props.executor ?? GitlabRunnerExecutor.dockerAutoscaler();
    const gitlabUrl = validateGitlabUrl(this, props.gitlabUrl ?? 'https://gitlab.com');
    const runnerName = validateShortName(this, 'runnerName', props.runnerName ?? 'harmonix', '"platform"');
    const defaultImage = validateImage(this, props.defaultImage ?? 'public.ecr.aws/docker/library/alpine:3.22');
    this.tags = validateTags(this, props.tags ?? []);
    const runnerSource = props.runnerSource ?? GitlabRunnerSource.packageRepository(DEFAULT_RUNNER_VERSION);
    const pluginSource = props.fleetingPluginSource ?? FleetingPluginSource.registry(DEFAULT_PLUGIN_VERSION);
    this.checkSources(runnerSource, pluginSource);
    const cacheDays = validateIntegerRange(this, 'cacheExpirationDays', props.cacheExpirationDays ?? 14, 1, 365);
    const autoscaler = executor.autoscalerOptions ? this.autoscalerSizing(executor.autoscalerOptions) : undefined;
    const fleet = executor.dockerOptions ? this.fleetSizing(executor.dockerOptions) : undefined;
    const concurrency = validateIntegerRange(this, 'concurrency',
      props.concurrency ?? (autoscaler ? autoscaler.maxInstances * autoscaler.capacityPerInstance : fleet!.concurrentJobsPerInstance), 1, 1000);
    tagPlatform(this, 'gitlab-runner');

    this.key = new kms.Key(this, 'Key', {
      description: `harmonix-cdk GitLab runner ${runnerName}: volumes, logs, cache and token`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const logGroupName = `${LOG_PREFIX}${runnerName}`;
    allowLogsToUseKey(this.key, 'AllowCloudWatchLogsForRunner', logGroupName);
    // EC2 Auto Scaling launches the encrypted volumes with its service-linked role.
    allowServiceLinkedRoleToUseKey(this.key, 'AllowAutoScalingVolumes', 'autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling');

    this.vpc = props.vpc ?? createVpc(this, {
      cidr: '10.20.0.0/16',
      maxAzs: 2,
      natGateways: 1,
      natProvider: props.natProvider ?? NatProviderType.GATEWAY,
      flowLogDestination: FlowLogDestinationType.S3,
      flowLogRetention: logs.RetentionDays.ONE_MONTH,
      flowLogGroupName: `${logGroupName}/vpc-flow-logs`,
      kmsKey: this.key,
      removalPolicy,
    });
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.logGroup = new logs.LogGroup(this, 'Logs', { logGroupName, retention: logRetention, encryptionKey: this.key, removalPolicy });
    // Cache archives are rebuilt by the next job: no versions, and they expire.
    this.cacheBucket = createDataBucket(this, 'Cache', { encryptionKey: this.key, removalPolicy, versioned: false, expirationDays: cacheDays });
    acceptFindings(this.cacheBucket, {
      id: 'AwsSolutions-S1',
      reason: 'The bucket only holds the CI cache archives of jobs, expiring after days; CloudTrail data events can record access if needed.',
    });

    this.tokenSecret = props.tokenSecret === undefined
      ? this.createTokenSecret(runnerName, removalPolicy)
      : checkTokenSecret(this, props.tokenSecret);

    this.runnerRole = new iam.Role(this, 'RunnerRole', {
      // A stable name: environments in other accounts trust it by ARN before it exists.
      roleName: checkIamName(this, 'roleName', props.roleName, 64) ?? 'harmonix-gitlab-runner',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `harmonix-cdk GitLab runner ${runnerName}: the role CI jobs run as (pushes images, assumes provisioning roles)`,
    });
    this.pushStatement = new iam.PolicyStatement({ sid: 'PushImages', actions: ECR_PUSH_ACTIONS });
    this.deployStatement = new iam.PolicyStatement({ sid: 'AssumeProvisioningRoles', actions: ['sts:AssumeRole'] });

    const settings = (executorName: string, limit: number): RunnerConfigSettings => ({
      concurrent: concurrency,
      runnerName,
      executor: executorName,
      limit,
      defaultImage,
      privileged: props.privileged ?? false,
      unprivilegedImageBuilds: props.unprivilegedImageBuilds ?? false,
      cache: { bucketName: this.cacheBucket.bucketName, region: stack.region, kmsKeyArn: this.key.keyArn },
      autoscaler: autoscaler && {
        plugin: pluginSource.kind === 'registry' ? `aws:${pluginSource.version}` : 'fleeting-plugin-aws',
        capacityPerInstance: autoscaler.capacityPerInstance,
        maxUseCount: autoscaler.maxUseCount,
        maxInstances: autoscaler.maxInstances,
        groupName: this.groupName(runnerName, 'jobs'),
        region: stack.region,
        arch: autoscaler.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64',
        policies: autoscaler.policies,
      },
    });
    const config = autoscaler
      ? settings('docker-autoscaler', autoscaler.maxInstances * autoscaler.capacityPerInstance)
      : settings('docker', concurrency);
    this.configToml = renderToml(globalConfig(config));
    this.runnerTemplateToml = renderToml(runnerTemplate(config));
    const hostUserData = scriptUserData('runner-host.sh', {
      RUNNER_NAME: runnerName,
      GITLAB_URL: gitlabUrl,
      RUNNER_EXECUTOR: config.executor,
      DEFAULT_IMAGE: defaultImage,
      TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
      AWS_REGION_NAME: stack.region,
      RUNNER_SOURCE: runnerSource.kind,
      RUNNER_VERSION: runnerSource.version ?? '',
      RUNNER_BINARY_URL: runnerSource.url ?? '',
      RUNNER_BINARY_SHA256: runnerSource.sha256 ?? '',
      PLUGIN_SOURCE: autoscaler ? pluginSource.kind : 'none',
      PLUGIN_BINARY_URL: (autoscaler && pluginSource.url) || '',
      PLUGIN_BINARY_SHA256: (autoscaler && pluginSource.sha256) || '',
    }, this.configFiles(logGroupName));

    const gitlabPort = Number(new URL(gitlabUrl).port || 443);
    const allowAllOutbound = props.allowAllOutbound ?? false;
    if (autoscaler) {
      this.jobSecurityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', {
        vpc: this.vpc, allowAllOutbound, description: `harmonix-cdk GitLab runner ${runnerName}: job instances`,
      });
      this.managerSecurityGroup = new ec2.SecurityGroup(this, 'ManagerSecurityGroup', {
        vpc: this.vpc, allowAllOutbound: false, description: `harmonix-cdk GitLab runner ${runnerName}: manager`,
      });
      allowRunnerEgress(this.managerSecurityGroup, gitlabPort, false);
      this.jobSecurityGroup.addIngressRule(this.managerSecurityGroup, ec2.Port.tcp(22), 'SSH from the runner manager only (fleeting connector)');
      this.managerSecurityGroup.addEgressRule(this.jobSecurityGroup, ec2.Port.tcp(22), 'SSH to the job instances (fleeting connector)');
      if (!allowAllOutbound) {
        allowRunnerEgress(this.jobSecurityGroup, gitlabPort, true);
      }
      this.jobGroup = this.createGroup('Jobs', {
        name: this.groupName(runnerName, 'jobs'),
        instanceTypes: autoscaler.instanceTypes,
        spot: autoscaler.spot,
        minCapacity: 0,
        maxCapacity: autoscaler.maxInstances,
        role: this.runnerRole,
        securityGroup: this.jobSecurityGroup,
        userData: scriptUserData('job-instance.sh', {}, []),
        volumeSize: autoscaler.volumeSize,
        hopLimit: 2,
        managedByRunner: true,
        replaceOnUpdate: false,
      }, vpcSubnets);
      this.managerRole = new iam.Role(this, 'ManagerRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: `harmonix-cdk GitLab runner ${runnerName}: the manager (reads its token, scales its job group)`,
      });
      this.grantHost(this.managerRole, runnerName);
      this.grantScaling(this.managerRole, this.groupName(runnerName, 'jobs'));
      this.managerGroup = this.createGroup('Manager', {
        name: this.groupName(runnerName, 'manager'),
        instanceTypes: [autoscaler.managerInstanceType],
        spot: false,
        minCapacity: 1,
        maxCapacity: 1,
        role: this.managerRole,
        securityGroup: this.managerSecurityGroup,
        userData: hostUserData,
        volumeSize: 20,
        hopLimit: 1,
        managedByRunner: false,
        replaceOnUpdate: true,
      }, vpcSubnets);
      this.managerGroup.node.addDependency(this.jobGroup);
    } else {
      const f = fleet!;
      this.jobSecurityGroup = new ec2.SecurityGroup(this, 'RunnerSecurityGroup', {
        vpc: this.vpc, allowAllOutbound, description: `harmonix-cdk GitLab runner ${runnerName}: runner instances`,
      });
      if (!allowAllOutbound) {
        allowRunnerEgress(this.jobSecurityGroup, gitlabPort, true);
      }
      // The docker executor runs jobs on the host that holds the token: its role is the runner role.
      this.grantHost(this.runnerRole, runnerName);
      this.jobGroup = this.createGroup('Runners', {
        name: this.groupName(runnerName, 'runners'),
        instanceTypes: f.instanceTypes,
        spot: f.spot,
        minCapacity: f.minCapacity,
        maxCapacity: f.maxCapacity,
        desiredCapacity: f.desiredCapacity,
        role: this.runnerRole,
        securityGroup: this.jobSecurityGroup,
        userData: hostUserData,
        volumeSize: f.volumeSize,
        hopLimit: 2,
        managedByRunner: false,
        replaceOnUpdate: true,
      }, vpcSubnets);
    }

    new CfnOutput(this, 'RunnerRoleArn', {
      value: this.runnerRole.roleArn, description: 'The role CI jobs run as: trust it in each environment (provisioningTrustedRoleArns)',
    });
    new CfnOutput(this, 'TokenSecretArn', {
      value: this.tokenSecret.secretArn, description: 'Put the runner authentication token (glrt-...) here, then replace the runner instances',
    });
    new CfnOutput(this, 'RunnerTags', {
      value: this.tags.length ? this.tags.join(',') : '(none: run untagged jobs)', description: 'Tags to give the runner when creating it in GitLab',
    });
    // aws-cdk-lib's providers for the VPC and the buckets log into groups of the runner.
    routeStackProviderLogs(this, { namePrefix: `${logGroupName}/custom-resources/`, key: this.key, retention: logRetention, removalPolicy });
  }

  /**
   * Lets jobs push images to this repository (and pull from it); nothing else of ECR but the
   * sign-in, which has no resource-level permissions.
   */
  public allowPushTo(repository: ecr.IRepository): void {
    const first = this.repositories.size === 0;
    if (this.addResourceOnce(this.repositories, this.pushStatement, repository.repositoryArn) && first) {
      allowEcrSignIn(this, this.runnerRole);
      this.runnerRole.addToPrincipalPolicy(this.pushStatement);
    }
  }

  /**
   * Registers an app built on these runners: its image repository (immutable tags, scanned on
   * push, the runner's key, a lifecycle; pulled by the accounts of the app's environments), which
   * jobs may push to (`allowPushTo`), and the SSM parameters `/harmonix/apps/<app>/image-repository`
   * and `/harmonix/apps/<app>/build-role-arn` (the runner role, which the build job pushes as).
   */
  public registerApp(options: RunnerAppOptions): RunnerApp {
    const appName = validateAppName(this, 'appName', options.appName);
    if (this.apps.has(appName)) {
      throw propError(this, 'appName', `"${appName}" is registered already; register each app once.`);
    }
    this.apps.add(appName);
    const app = new RunnerApp(this, `App-${appName}`, {
      ...options, appName, key: this.key, buildRole: this.runnerRole, removalPolicy: this.removalPolicy,
    });
    if (options.gitlabCiTrust === undefined) {
      // Jobs push as the runner role; with an OIDC build role they push as that role only.
      this.allowPushTo(app.repository);
    }
    return app;
  }

  /**
   * Lets jobs assume the provisioning role of this environment (owned or imported from its
   * descriptor), and no other role. The environment must trust `runnerRole`.
   */
  public allowDeployTo(environment: IHarmonixEnvironment): void {
    const first = this.environments.size === 0;
    if (this.addResourceOnce(this.environments, this.deployStatement, environment.provisioningRole.roleArn) && first) {
      this.runnerRole.addToPrincipalPolicy(this.deployStatement);
    }
  }

  /** Adds a resource to a grant statement unless it is there already; true when added. */
  private addResourceOnce(granted: Set<string>, statement: iam.PolicyStatement, arn: string): boolean {
    const key = JSON.stringify(Stack.of(this).resolve(arn));
    if (granted.has(key)) {
      return false;
    }
    granted.add(key);
    statement.addResources(arn);
    return true;
  }

  private checkSources(runner: GitlabRunnerSource, plugin: FleetingPluginSource): void {
    for (const [prop, source] of [['runnerSource', runner], ['fleetingPluginSource', plugin]] as const) {
      if (source.kind === 'binary') {
        validateDownload(this, prop, source.url!, source.sha256!);
      } else {
        validateVersion(this, prop, source.version!);
      }
    }
  }

  private autoscalerSizing(o: DockerAutoscalerOptions) {
    const instanceTypes = o.instanceTypes ?? [ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE)];
    const architecture = validateInstanceTypes(this, 'executor.instanceTypes', instanceTypes);
    const managerInstanceType = o.managerInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL);
    const maxInstances = validateIntegerRange(this, 'executor.maxInstances', o.maxInstances ?? 10, 1, 1000);
    const capacityPerInstance = validateIntegerRange(this, 'executor.capacityPerInstance', o.capacityPerInstance ?? 1, 1, 64);
    const maxUseCount = validateIntegerRange(this, 'executor.maxUseCount', o.maxUseCount ?? 1, 1, 10000);
    const idleCount = validateIntegerRange(this, 'executor.idleCount', o.idleCount ?? 0, 0, maxInstances * capacityPerInstance);
    const idleTime = o.idleTime ?? Duration.minutes(20);
    const schedules = o.schedules ?? [];
    validateSchedules(this, schedules);
    schedules.forEach((s, i) => validateIntegerRange(this, `executor.schedules[${i}].idleCount`, s.idleCount, 0, maxInstances * capacityPerInstance));
    const zeroIdle = [idleCount, ...schedules.map(s => s.idleCount)].some(c => c === 0);
    if (capacityPerInstance > 1 && zeroIdle) {
      throw propError(this, 'executor.capacityPerInstance',
        `${capacityPerInstance} jobs per instance with an idle count of 0: GitLab's autoscaler does not scale to zero with more than one job per instance (runner issue 37643); use 1, or keep an idle count above 0 in every schedule.`);
    }
    const policies: AutoscalerPolicy[] = [
      { periods: ['* * * * *'], timezone: 'UTC', idleCount, idleTimeSeconds: idleTime.toSeconds() },
      ...schedules.map(s => ({
        periods: s.periods, timezone: s.timezone ?? 'UTC', idleCount: s.idleCount, idleTimeSeconds: (s.idleTime ?? idleTime).toSeconds(),
      })),
    ];
    return {
      instanceTypes,
      architecture,
      managerInstanceType,
      maxInstances,
      capacityPerInstance,
      maxUseCount,
      policies,
      spot: o.spot ?? false,
      volumeSize: validateIntegerRange(this, 'executor.volumeSize', o.volumeSize ?? 64, 8, 16384),
    };
  }

  private fleetSizing(o: DockerRunnerFleetOptions) {
    const instanceTypes = o.instanceTypes ?? [ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE)];
    validateInstanceTypes(this, 'executor.instanceTypes', instanceTypes);
    const minCapacity = validateIntegerRange(this, 'executor.minCapacity', o.minCapacity ?? 1, 0, 100);
    const maxCapacity = o.maxCapacity ?? Math.max(minCapacity, 1);
    if (maxCapacity < minCapacity || maxCapacity < 1) {
      throw propError(this, 'executor.maxCapacity', `${maxCapacity} is below minCapacity ${minCapacity} (or below 1); give a maximum of at least the minimum.`);
    }
    validateIntegerRange(this, 'executor.maxCapacity', maxCapacity, 1, 100);
    if (o.desiredCapacity !== undefined) {
      validateIntegerRange(this, 'executor.desiredCapacity', o.desiredCapacity, minCapacity, maxCapacity);
    }
    return {
      instanceTypes,
      minCapacity,
      maxCapacity,
      desiredCapacity: o.desiredCapacity,
      concurrentJobsPerInstance: validateIntegerRange(this, 'executor.concurrentJobsPerInstance', o.concurrentJobsPerInstance ?? 2, 1, 64),
      spot: o.spot ?? false,
      volumeSize: validateIntegerRange(this, 'executor.volumeSize', o.volumeSize ?? 64, 8, 16384),
    };
  }

  private groupName(runnerName: string, part: string): string {
    return `harmonix-runner-${runnerName}-${part}`;
  }

  /** The files the runner host's user data writes: the TOML configuration and the log agent's configuration. */
  private configFiles(logGroupName: string): UserDataFile[] {
    const agent = {
      agent: { run_as_user: 'root' },
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/gitlab-runner/runner.log', log_group_name: logGroupName, log_stream_name: '{instance_id}/gitlab-runner' },
              { file_path: '/var/log/cloud-init-output.log', log_group_name: logGroupName, log_stream_name: '{instance_id}/boot' },
            ],
          },
        },
      },
    };
    return [
      { path: `${STAGING}/config.toml`, content: this.configToml, mode: '0600' },
      { path: `${STAGING}/template.toml`, content: this.runnerTemplateToml, mode: '0600' },
      { path: `${STAGING}/cloudwatch-agent.json`, content: JSON.stringify(agent, undefined, 2), mode: '0644' },
    ];
  }

  private createTokenSecret(runnerName: string, removalPolicy: RemovalPolicy): secretsmanager.Secret {
    const tags = this.tags.length ? `with the tags ${this.tags.join(', ')}` : 'without tags (it runs untagged jobs)';
    const secret = new secretsmanager.Secret(this, 'Token', {
      description: `harmonix-cdk GitLab runner ${runnerName}: its runner authentication token (glrt-...). Create the runner in GitLab ${tags}, put its token here.`,
      encryptionKey: this.key,
      removalPolicy,
    });
    acceptFindings(secret, {
      id: 'AwsSolutions-SMG4',
      reason: 'GitLab issues and rotates runner authentication tokens (the runner is re-created or its token reset in GitLab); Secrets Manager cannot rotate them.',
    });
    return secret;
  }

  /** What an instance that runs gitlab-runner needs: its token, its logs, the cache, Session Manager. */
  private grantHost(role: iam.Role, runnerName: string): void {
    const stack = Stack.of(this);
    const secret = this.tokenSecret;
    const secretArn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
    addScopedStatements(this, role, {
      sid: 'ReadRunnerToken',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secretArn],
      wildcardReason: 'The token secret imported by name: its ARN ends in the six characters Secrets Manager adds.',
    }, {
      sid: 'WriteRunnerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [this.logGroup.logGroupArn],
      wildcardReason: `The log streams of this runner's own log group (${LOG_PREFIX}${runnerName}), one per instance and file.`,
    }, {
      sid: 'UseCache',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.cacheBucket.arnForObjects('*')],
      wildcardReason: 'The cache archives of this runner\'s own cache bucket, signed for jobs by gitlab-runner.',
    }, {
      sid: 'EncryptCache',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }, {
      sid: 'SessionManager',
      actions: SESSION_MANAGER_ACTIONS,
      resources: ['*'],
      wildcardReason: 'Session Manager\'s instance actions have no resource-level permissions; operators reach the instance without SSH.',
    });
    if (secret.encryptionKey) {
      addScopedStatements(this, role, {
        sid: 'DecryptRunnerToken',
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      });
    }
  }

  /** What the fleeting plugin needs: scale only its own job group, reach only its instances. */
  private grantScaling(role: iam.Role, groupName: string): void {
    const stack = Stack.of(this);
    addScopedStatements(this, role, {
      sid: 'ScaleJobGroup',
      actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      resources: [stack.formatArn({
        service: 'autoscaling', resource: 'autoScalingGroup', resourceName: `*:autoScalingGroupName/${groupName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      wildcardReason: `The job group ${groupName} by name; the part before its name is the group id AWS assigns.`,
    }, {
      sid: 'DescribeJobInstances',
      actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'ec2:DescribeInstances'],
      resources: ['*'],
      wildcardReason: 'Describe calls of Auto Scaling and EC2 have no resource-level permissions; they read, never change.',
    }, {
      sid: 'ConnectToJobInstances',
      actions: ['ec2-instance-connect:SendSSHPublicKey'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: { StringEquals: { 'ec2:ResourceTag/aws:autoscaling:groupName': groupName, 'ec2:osuser': 'ec2-user' } },
      wildcardReason: `Instances of the job group ${groupName} only (tag condition), as ec2-user: their ids are not known before they start.`,
    });
  }

  private createGroup(id: string, spec: GroupSpec, vpcSubnets: ec2.SubnetSelection): autoscaling.AutoScalingGroup {
    const architecture = spec.instanceTypes[0].architecture;
    const mixed = spec.spot || spec.instanceTypes.length > 1;
    const launchTemplate = new ec2.LaunchTemplate(this, `${id}LaunchTemplate`, {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({
        cpuType: architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      }),
      instanceType: mixed ? undefined : spec.instanceTypes[0],
      role: spec.role,
      securityGroup: spec.securityGroup,
      userData: spec.userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: spec.hopLimit,
      blockDevices: [{
        deviceName: ROOT_DEVICE,
        volume: ec2.BlockDeviceVolume.ebs(spec.volumeSize, {
          volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, kmsKey: this.key, deleteOnTermination: true,
        }),
      }],
    });
    const group = new autoscaling.AutoScalingGroup(this, id, {
      vpc: this.vpc,
      vpcSubnets,
      autoScalingGroupName: spec.name,
      minCapacity: spec.minCapacity,
      maxCapacity: spec.maxCapacity,
      desiredCapacity: spec.desiredCapacity,
      newInstancesProtectedFromScaleIn: spec.managedByRunner,
      updatePolicy: spec.replaceOnUpdate ? autoscaling.UpdatePolicy.rollingUpdate({ minInstancesInService: 0, maxBatchSize: 1 }) : undefined,
      ...(mixed
        ? {
          mixedInstancesPolicy: {
            launchTemplate,
            launchTemplateOverrides: spec.instanceTypes.map(instanceType => ({ instanceType })),
            instancesDistribution: {
              onDemandBaseCapacity: 0,
              onDemandPercentageAboveBaseCapacity: spec.spot ? 0 : 100,
              onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
              spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
            },
          },
        }
        : { launchTemplate }),
    });
    acceptFindings(group, {
      id: 'AwsSolutions-AS3',
      reason: spec.managedByRunner
        ? 'gitlab-runner scales this group itself and logs every instance it creates and removes in the runner\'s log group.'
        : 'A group of runner hosts at a fixed size; its launches and terminations are in CloudTrail and the runner\'s boot log.',
    });
    if (mixed) {
      acceptFindings(group, {
        id: 'AwsSolutions-EC26',
        reason: 'cdk-nag reads only a group\'s LaunchTemplate property, not the launch template of its MixedInstancesPolicy; that template encrypts the root volume with the runner key.',
      });
    }
    return group;
  }
}

/**
 * The runner's token secret, given: a Secrets Manager secret (not its ARN as text) in the runner's
 * own region, which the hosts read at boot with the regional endpoint.
 */
function checkTokenSecret(scope: Construct, secret: secretsmanager.ISecret): secretsmanager.ISecret {
  if (typeof secret !== 'object' || secret === null || typeof (secret as { secretArn?: unknown }).secretArn !== 'string') {
    throw propError(scope, 'tokenSecret', `${JSON.stringify(secret)} is not a Secrets Manager secret: give one, such as secretsmanager.Secret.fromSecretCompleteArn(this, 'Token', arn).`);
  }
  const arn = secret.secretArn;
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(arn)) {
    const parts = arn.split(':');
    if (parts[0] !== 'arn' || parts[2] !== 'secretsmanager' || parts.length < 7) {
      throw propError(scope, 'tokenSecret', `"${arn}" is not a Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-runner-token-AbCdEf".`);
    }
    if (!Token.isUnresolved(stack.region) && parts[3] !== stack.region) {
      throw propError(scope, 'tokenSecret', `"${arn}" is in region ${parts[3]}, and the runner in ${stack.region}: the hosts read the token from their own region; keep (or replicate) the secret there.`);
    }
  }
  return secret;
}

/**
 * What runner instances send out: HTTPS (GitLab, registries, package indexes, AWS APIs; no
 * VPC endpoint is assumed), GitLab's own port when its URL names another, and for instances that
 * run jobs HTTP too (the Debian and Ubuntu mirrors of job images serve signed packages over it).
 */
function allowRunnerEgress(group: ec2.SecurityGroup, gitlabPort: number, runsJobs: boolean): void {
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: GitLab, registries, AWS APIs');
  if (gitlabPort !== 443) {
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(gitlabPort), 'GitLab on its own port');
  }
  if (runsJobs) {
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP: package mirrors of job images');
  }
}
