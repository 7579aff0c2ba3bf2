import { ArnFormat, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as notifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { AppBuild, AppPipelineProps, PipelineSource } from './app-pipeline-props';
import {
  ASSEMBLIES_ARTIFACT, buildSpec, deploySpec, DESCRIPTOR_VARIABLE, EXECUTION_VARIABLE, EXTERNAL_ID_VARIABLE, IMAGE_REPOSITORY_NAME_VARIABLE,
  ROLE_VARIABLE, VERSION_VARIABLE,
} from './buildspecs';
import { checkConnectionSource, checkS3Source, checkSmokePath, orderEnvironments } from './pipeline-validation';
import { createDataBucket, createLogBucket, deliverAccessLogsByBucketPolicy } from '../../common/buckets';
import { IMAGE_REPOSITORY_VARIABLE } from '../../common/deploy-outputs';
import { propError } from '../../common/errors';
import { routeStackProviderLogs } from '../../common/function-logs';
import { addScopedStatements } from '../../common/iam';
import { createImageRepository } from '../../common/image-repository';
import { allowLogsToUseKey, allowPrincipalsToUseKey } from '../../common/key-policy';
import { acceptFindings, wildcardResourceFindingId } from '../../common/nag';
import { APP_TAG, tagPlatform } from '../../common/tags';
import { checkIamName, validateAppName, validateExternalId, validateIntegerRange } from '../../common/validation';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';

/** What a key administrator may do: manage the key, never use it to encrypt or decrypt. */
const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey', 'kms:EnableKey', 'kms:DisableKey', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:RotateKeyOnDemand',
  'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListKeyPolicies', 'kms:ListResourceTags', 'kms:ListGrants',
  'kms:RevokeGrant', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription', 'kms:CreateAlias', 'kms:UpdateAlias',
  'kms:DeleteAlias', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];
/** The artifact objects a role reads or writes. */
const ARTIFACT_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'];
const LOG_PREFIX = '/harmonix/platform/pipelines/';
const DEFAULT_RUNTIMES = { nodejs: '22' };
const DEFAULT_COMMANDS = ['npm ci', 'npx projen build'];

/**
 * The delivery of one app through its environments, in the platform account: an AWS CodePipeline
 * V2 pipeline (queued executions, no self-mutation) that takes the repository from a
 * CodeConnections connection (GitLab, GitHub) or S3, builds once (one ARM64 CodeBuild project
 * runs the repository's tests and build, builds the container image and pushes it to the ECR
 * repository this construct creates, or packs the bundle, and synthesizes `infra/` once per
 * environment), then deploys that same output to each environment in the order of their
 * descriptors' `stage`, behind a manual approval where the descriptor requires one.
 *
 * Each deployment runs under a role of its own that may assume exactly that environment's
 * provisioning role and nothing else (`provisioningTrustedRoleArns` lists the ARN each
 * environment must trust), goes through the environment's CDK bootstrap roles, checks the app's
 * URL, and adds the deployment's audit record, failures included. Artifacts, logs, images and
 * notifications are encrypted with the pipeline's key, which only its roles may use.
 */
export class AppPipeline extends Construct {
  /** The CodePipeline V2 pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The project that builds once. */
  public readonly buildProject: codebuild.PipelineProject;
  /** The image repository (container image builds). */
  public readonly repository?: ecr.Repository;
  /** The key of artifacts, logs, images and topics: only the pipeline's roles use it. */
  public readonly key: kms.Key;
  /** The artifact bucket: only the pipeline's roles read and write it. */
  public readonly artifactBucket: s3.Bucket;
  /** Notifications of executions that succeed, fail or are cancelled. */
  public readonly notificationTopic: sns.Topic;
  /** Requests for approval of gated environments. */
  public readonly approvalTopic?: sns.Topic;
  /** The role of each environment's deployment, by environment name. */
  public readonly deployRoles: { [environmentName: string]: iam.IRole };
  /**
   * The ARN of each environment's deploy role, by environment name: give it to that
   * environment's `provisioningTrustedRoleArns`. Literal text when the pipeline's stack names
   * its account and region (as it must for an environment in another app or account).
   */
  public readonly provisioningTrustedRoleArns: { [environmentName: string]: string };
  /** The environments, in delivery order. */
  public readonly environmentNames: string[];

  constructor(scope: Construct, id: string, props: AppPipelineProps) {
    super(scope, id);
    const appName = validateAppName(this, 'appName', props.appName);
    const image = props.appBuild.kind === 'image';
    // A container image runs on ECS or on EKS: the app's infra/ picks its construct by the environment's kind.
    const ordered = orderEnvironments(this, props.environments, image ? [EnvironmentKind.ECS, EnvironmentKind.EKS] : [EnvironmentKind.SERVERLESS],
      image ? 'a container image build' : 'a bundle build');
    this.environmentNames = ordered.map(e => e.environmentName);
    const externalId = props.externalId === undefined ? undefined : validateExternalId(this, 'externalId', props.externalId);
    const smokeCheckPath = checkSmokePath(this, props.smokeCheckPath ?? '/health');
    const artifactDays = validateIntegerRange(this, 'artifactRetentionDays', props.artifactRetentionDays ?? 30, 1, 3650);
    const options = props.appBuild.options;
    const runtimeVersions = options.runtimeVersions ?? DEFAULT_RUNTIMES;
    const commands = options.commands ?? DEFAULT_COMMANDS;
    if (commands.length === 0) {
      throw propError(this, 'appBuild', 'has no commands; leave `commands` out to run "npm ci" and "npx projen build", or give the commands that test and build the repository.');
    }
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    deliverAccessLogsByBucketPolicy(this);
    tagPlatform(this, 'app-pipeline');
    Tags.of(this).add(APP_TAG, appName);

    // One key for everything the pipeline stores. The account may administer it but not use it:
    // only the roles below may, named in its policy (no IAM policy elsewhere can add a user).
    this.key = new kms.Key(this, 'Key', {
      description: `Artifacts, images, logs and notifications of the harmonix pipeline of ${appName}`,
      enableKeyRotation: true,
      removalPolicy,
      policy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          sid: 'AdministerKey', principals: [new iam.AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'],
        })],
      }),
    });
    const logPrefix = `${LOG_PREFIX}${appName}/`;
    allowLogsToUseKey(this.key, 'AllowCloudWatchLogsForPipelineLogGroups', logPrefix);

    const accessLogs = createLogBucket(this, 'AccessLogs', {
      receives: 'the server access logs of the pipeline\'s artifact bucket', expirationDays: 365, removalPolicy,
    });
    this.artifactBucket = createDataBucket(this, 'Artifacts', {
      encryptionKey: this.key,
      removalPolicy,
      expirationDays: artifactDays,
      noncurrentVersionExpirationDays: 1,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
    });

    this.notificationTopic = this.createTopic('Notifications', `harmonix pipeline of ${appName}: executions`);
    if (ordered.some(e => e.descriptor.requireApproval)) {
      this.approvalTopic = this.createTopic('Approvals', `harmonix pipeline of ${appName}: approvals`);
    }

    if (image) {
      this.repository = createImageRepository(this, 'Repository', {
        repositoryName: appName, key: this.key, maxImageCount: props.maxImageCount, removalPolicy, pullAccounts: ordered.map(e => e.account),
      });
    }

    const source = this.createSource(props.source, appName);
    const sourceOutput = source.output;
    const assemblies = new codepipeline.Artifact(ASSEMBLIES_ARTIFACT);

    this.buildProject = this.createBuildProject(appName, props.appBuild, logPrefix, removalPolicy, {
      commands,
      runtimeVersions,
      environments: this.environmentNames,
      image: image ? { dockerfile: options.dockerfile ?? 'Dockerfile', context: options.buildContext ?? '.' } : undefined,
    });

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: `harmonix-${appName}`,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: this.artifactBucket,
      usePipelineRoleForActions: true,
      restartExecutionOnUpdate: false,
      triggers: source.trigger ? [source.trigger] : undefined,
    });
    this.pipeline.addStage({ stageName: 'Source', actions: [source.action] });
    if (props.source.connectionOptions) {
      // aws-cdk-lib grants the connection under its older service prefix only; CodePipeline may
      // authorize a connection of either ARN form under either prefix, so the role holds both.
      this.pipeline.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'UseSourceConnection', actions: ['codeconnections:UseConnection'], resources: [props.source.connectionOptions.connectionArn],
      }));
    }
    source.startOnNewVersion?.(this.pipeline);
    const versionVariables = { [VERSION_VARIABLE]: { value: source.version } };
    this.pipeline.addStage({
      stageName: 'Build',
      actions: [new actions.CodeBuildAction({
        actionName: 'Build', project: this.buildProject, input: sourceOutput, outputs: [assemblies], environmentVariables: versionVariables,
      })],
    });

    this.deployRoles = {};
    this.provisioningTrustedRoleArns = {};
    for (const environment of ordered) {
      const d = environment.descriptor;
      const role = this.createDeployRole(appName, environment);
      const project = this.createDeployProject(appName, environment, role, logPrefix, removalPolicy, runtimeVersions, {
        externalId, smokeCheckPath,
      });
      const stageActions: codepipeline.IAction[] = [];
      if (d.requireApproval) {
        stageActions.push(new actions.ManualApprovalAction({
          actionName: 'Approve',
          runOrder: 1,
          notificationTopic: this.approvalTopic,
          additionalInformation: `Deploy ${appName} to ${environment.environmentName}${d.description ? ` (${d.description})` : ''}.`,
        }));
      }
      stageActions.push(new actions.CodeBuildAction({
        actionName: 'Deploy',
        runOrder: 2,
        project,
        input: sourceOutput,
        extraInputs: [assemblies],
        environmentVariables: {
          ...versionVariables,
          [EXECUTION_VARIABLE]: { value: codepipeline.GlobalVariables.executionId },
        },
      }));
      this.pipeline.addStage({ stageName: `Deploy-${environment.environmentName}`, actions: stageActions });
    }

    new notifications.NotificationRule(this, 'ExecutionNotifications', {
      source: this.pipeline,
      detailType: notifications.DetailType.FULL,
      events: [
        'codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-pipeline-execution-succeeded',
        'codepipeline-pipeline-pipeline-execution-canceled', 'codepipeline-pipeline-manual-approval-needed',
      ],
      targets: [this.notificationTopic],
    });

    this.restrictKeyAndBucket();
    this.acceptArtifactGrants(this.pipeline.role, ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']);
    // aws-cdk-lib's bucket auto-delete provider (retainData: false) logs into a group of the pipeline.
    routeStackProviderLogs(this, { namePrefix: `${logPrefix}custom-resources/`, key: this.key, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy });
  }

  /**
   * aws-cdk-lib grants each role of a pipeline its artifact bucket and key with wildcard actions
   * (`s3:GetObject*`, `kms:GenerateDataKey*`, ...) on the bucket's objects: they reach the
   * pipeline's own artifacts only, whose bucket and key policies admit no other principal.
   */
  private acceptArtifactGrants(role: iam.IRole, s3Actions: string[]): void {
    const reason = 'aws-cdk-lib\'s grant of the pipeline\'s own artifact bucket and key to a role of the pipeline; the bucket and key policies admit only the pipeline\'s roles.';
    acceptFindings(role,
      ...[...s3Actions, 'kms:ReEncrypt*', 'kms:GenerateDataKey*'].map(a => ({ id: `AwsSolutions-IAM5[Action::${a}]`, reason })),
      { id: wildcardResourceFindingId(role, this.artifactBucket.arnForObjects('*')), reason });
  }

  /**
   * aws-cdk-lib gives every project's role CodeBuild's default log group and the project's test
   * report groups, named after the project (its logs go to the pipeline's encrypted log group).
   */
  private acceptProjectDefaults(project: codebuild.PipelineProject): void {
    const stack = Stack.of(this);
    const reason = 'aws-cdk-lib adds CodeBuild\'s default log streams and the report groups named after this one project to its role; nothing of another project matches.';
    acceptFindings(project.role!,
      { id: wildcardResourceFindingId(project.role!, stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/codebuild/${project.projectName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })), reason },
      { id: wildcardResourceFindingId(project.role!, stack.formatArn({ service: 'codebuild', resource: 'report-group', resourceName: `${project.projectName}-*` })), reason });
  }

  private createTopic(id: string, displayName: string): sns.Topic {
    return new sns.Topic(this, id, { displayName, masterKey: this.key, enforceSSL: true });
  }

  /** The source action, its output, the version expression and the V2 trigger (connections). */
  private createSource(source: PipelineSource, appName: string): {
    action: codepipeline.IAction;
    output: codepipeline.Artifact;
    version: string;
    trigger?: codepipeline.TriggerProps;
    startOnNewVersion?: (pipeline: codepipeline.Pipeline) => void;
  } {
    const output = new codepipeline.Artifact('Source');
    if (source.kind === 'connection') {
      const o = source.connectionOptions!;
      const { owner, repo, branch } = checkConnectionSource(this, o);
      const action = new actions.CodeStarConnectionsSourceAction({
        actionName: 'Source', connectionArn: o.connectionArn, owner, repo, branch, output, triggerOnPush: true, variablesNamespace: 'Source',
      });
      return {
        action,
        output,
        version: action.variables.commitId,
        trigger: {
          providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
          gitConfiguration: {
            sourceAction: action,
            pushFilter: [{ branchesIncludes: [branch], filePathsIncludes: o.includePaths, filePathsExcludes: o.excludePaths }],
          },
        },
      };
    }
    const o = source.s3Options!;
    checkS3Source(this, o);
    const action = new actions.S3SourceAction({
      actionName: 'Source', bucket: o.bucket, bucketKey: o.objectKey, output, trigger: actions.S3Trigger.NONE,
    });
    // A new version of the object starts the pipeline (S3's EventBridge notifications; no CloudTrail trail needed).
    const startOnNewVersion = (pipeline: codepipeline.Pipeline) => new events.Rule(this, 'SourceObjectCreated', {
      description: `Starts the harmonix pipeline of ${appName} when its source object ${o.objectKey} changes`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [o.bucket.bucketName] }, object: { key: [o.objectKey] } },
      },
      targets: [new targets.CodePipeline(pipeline)],
    });
    return { action, output, version: codepipeline.GlobalVariables.executionId, startOnNewVersion };
  }

  private logGroup(id: string, name: string, removalPolicy: RemovalPolicy): logs.LogGroup {
    return new logs.LogGroup(this, id, { logGroupName: name, retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: this.key, removalPolicy });
  }

  private createBuildProject(appName: string, build: AppBuild, logPrefix: string, removalPolicy: RemovalPolicy,
    plan: Parameters<typeof buildSpec>[0]): codebuild.PipelineProject {
    const o = build.options;
    const image = plan.image !== undefined;
    const project = new codebuild.PipelineProject(this, 'Build', {
      projectName: `harmonix-${appName}-build`,
      description: `Tests and builds ${appName} once and synthesizes its infra/ for ${plan.environments.join(', ')}`,
      buildSpec: codebuild.BuildSpec.fromObject(buildSpec(plan)),
      environment: {
        buildImage: o.buildImage ?? codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
        computeType: o.computeType ?? codebuild.ComputeType.SMALL,
        // Docker builds need the daemon, which needs a privileged container; a bundle does not.
        privileged: image,
      },
      environmentVariables: image ? {
        [IMAGE_REPOSITORY_VARIABLE]: { value: this.repository!.repositoryUri },
        [IMAGE_REPOSITORY_NAME_VARIABLE]: { value: this.repository!.repositoryName },
      } : undefined,
      timeout: o.timeout ?? Duration.minutes(30),
      encryptionKey: this.key,
      logging: { cloudWatch: { logGroup: this.logGroup('BuildLogs', `${logPrefix}build`, removalPolicy) } },
    });
    this.acceptProjectDefaults(project);
    this.acceptArtifactGrants(project.role!, ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']);
    if (image) {
      acceptFindings(project, {
        id: 'AwsSolutions-CB3',
        reason: 'The build runs Docker to build the app\'s container image, which needs a privileged container; it runs only the repository\'s own commands.',
      });
      this.repository!.grantPullPush(project);
      addScopedStatements(this, project.role!, {
        sid: 'FindTheBuiltImage', actions: ['ecr:DescribeImages'], resources: [this.repository!.repositoryArn],
      });
      acceptFindings(project.role!, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken (added by grantPullPush) has no resource-level permission in IAM; the pushes it allows are scoped to the app\'s repository.',
      });
    }
    return project;
  }

  /** The role of one environment's deployment: it may assume that environment's provisioning role and nothing else. */
  private createDeployRole(appName: string, environment: IHarmonixEnvironment): iam.Role {
    const roleName = `harmonix-${appName}-deploy-${environment.environmentName}`;
    checkIamName(this, 'environments', roleName, 64);
    const role = new iam.Role(this, `DeployRole-${environment.environmentName}`, {
      roleName,
      description: `Deploys ${appName} into harmonix environment ${environment.environmentName} through its provisioning role`,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      maxSessionDuration: Duration.hours(1),
    });
    addScopedStatements(this, role, {
      sid: 'AssumeTheEnvironmentProvisioningRole', actions: ['sts:AssumeRole'], resources: [environment.provisioningRole.roleArn],
    });
    // A literal ARN (the environment lives in another app): the stack's account, its region's partition.
    const stack = Stack.of(this);
    const partition = Token.isUnresolved(stack.region) ? stack.partition : RegionInfo.get(stack.region).partition ?? 'aws';
    const arn = `arn:${partition}:iam::${stack.account}:role/${roleName}`;
    this.deployRoles[environment.environmentName] = role;
    this.provisioningTrustedRoleArns[environment.environmentName] = arn;
    return role;
  }

  private createDeployProject(appName: string, environment: IHarmonixEnvironment, role: iam.Role, logPrefix: string, removalPolicy: RemovalPolicy,
    runtimeVersions: Record<string, string>, o: { externalId?: string; smokeCheckPath: string }): codebuild.PipelineProject {
    const name = environment.environmentName;
    const audit = environment.auditWriterUrl !== undefined;
    const variables: Record<string, codebuild.BuildEnvironmentVariable> = {
      [ROLE_VARIABLE]: { value: environment.provisioningRole.roleArn },
      AWS_REGION: { value: environment.region },
      AWS_DEFAULT_REGION: { value: environment.region },
    };
    if (o.externalId !== undefined) {
      variables[EXTERNAL_ID_VARIABLE] = { value: o.externalId };
    }
    if (audit) {
      variables[DESCRIPTOR_VARIABLE] = { value: Stack.of(this).toJsonString(environment.descriptor) };
    }
    const project = new codebuild.PipelineProject(this, `Deploy-${name}`, {
      projectName: `harmonix-${appName}-deploy-${name}`,
      description: `Deploys ${appName} into harmonix environment ${name} (${environment.account}, ${environment.region})`,
      role,
      buildSpec: codebuild.BuildSpec.fromObject(deploySpec({
        appName, environmentName: name, runtimeVersions, externalId: o.externalId !== undefined, audit, smokeCheckPath: o.smokeCheckPath,
      })),
      environment: { buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: variables,
      timeout: Duration.minutes(60),
      encryptionKey: this.key,
      logging: { cloudWatch: { logGroup: this.logGroup(`DeployLogs-${name}`, `${logPrefix}deploy-${name}`, removalPolicy) } },
    });
    this.acceptProjectDefaults(project);
    this.acceptArtifactGrants(role, ['s3:GetObject*', 's3:GetBucket*', 's3:List*']);
    return project;
  }

  /**
   * The key and the artifact objects are for the pipeline's roles only: the key's policy names
   * them (the account's IAM policies cannot add a user), and the bucket's policy denies object
   * reads and writes to every other principal.
   */
  private restrictKeyAndBucket(): void {
    const roles = [this.pipeline.role, this.buildProject.role!, ...Object.values(this.deployRoles)];
    const arns = roles.map(r => r.roleArn);
    allowPrincipalsToUseKey(this.key, 'UseByThePipelineRoles', roles.map(r => new iam.ArnPrincipal(r.roleArn)));
    this.artifactBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyThePipelineRoles',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ARTIFACT_OBJECT_ACTIONS,
      resources: [this.artifactBucket.arnForObjects('*')],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns } },
    }));
  }
}
