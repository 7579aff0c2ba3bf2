import { CfnOutput, Duration, Fn, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BACKSTAGE_PORT, createPortalEntry } from './backstage-entry';
import { BackstageOnFargateProps } from './backstage-on-fargate-props';
import { environmentEntity } from './environment-entity';
import { blueprintTemplates } from '../../common/backstage-templates';
import { createDataBucket, createLogBucket, deliverAccessLogsByBucketPolicy } from '../../common/buckets';
import { propError } from '../../common/errors';
import { validateFargateSize } from '../../common/fargate-sizes';
import { FunctionLogOptions, routeStackProviderLogs } from '../../common/function-logs';
import { createImageRepository } from '../../common/image-repository';
import { allowLogsToUseKey, allowPostgresLogsToUseKey } from '../../common/key-policy';
import { acceptFindings, wildcardResourceFindingId } from '../../common/nag';
import { createServerlessPostgres, POSTGRES_PORT } from '../../common/serverless-postgres';
import { tagPlatform } from '../../common/tags';
import {
  checkIamName, isEntityRef, validateAuroraCapacity, validateCidr, validateImageReference, validateIntegerRange, validateVariableName,
} from '../../common/validation';
import { createVpc, FlowLogDestinationType, NatProviderType } from '../../common/vpc';
import { isHostName, validateDomainName, validateHttpsUrl } from '../../common/web-names';
import { IHarmonixEnvironment } from '../../contract/environment';

const PORT = BACKSTAGE_PORT;
const LOG_PREFIX = '/harmonix/platform/backstage';
const DB_USER = 'backstage';
/** Where the catalog files live in the catalog bucket, read by one catalog provider. */
const CATALOG_PREFIX = 'harmonix/';
/** ... the environment entities, */
const ENVIRONMENTS_PREFIX = `${CATALOG_PREFIX}environments/`;
/** ... and the software templates of the blueprints. */
const TEMPLATES_PREFIX = `${CATALOG_PREFIX}templates/`;

/**
 * Backstage, the developer portal, on ECS Fargate with Aurora PostgreSQL Serverless v2 (which
 * pauses when idle), behind an internet-facing HTTPS load balancer with a WAF web ACL, optional
 * sign-in at the load balancer, and the Harmonix environments in its catalog.
 *
 * Configuration follows Backstage's conventions: `POSTGRES_HOST`, `POSTGRES_PORT`,
 * `POSTGRES_USER`, `POSTGRES_PASSWORD` for the `app-config.production.yaml` that
 * `@backstage/create-app` writes, and `APP_CONFIG_*` for the base URLs, the backend secret and
 * the catalog provider of the environments (`catalog.providers.awsS3.harmonixEnvironments`, read
 * by `@backstage/plugin-catalog-backend-module-aws`).
 */
/** The kinds the portal's catalog takes from any source: @backstage/create-app's, and Template. */
const CATALOG_KINDS = ['Component', 'System', 'API', 'Resource', 'Location', 'Template'];

export class BackstageOnFargate extends Construct {
  public readonly vpc: ec2.IVpc;
  /** Customer-managed key of the database, secrets, logs, repository and catalog bucket. */
  public readonly key: kms.Key;
  public readonly database: rds.DatabaseCluster;
  /** The repository the construct created, when the image is not given. */
  public readonly repository?: ecr.Repository;
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly service: ecs.FargateService;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The role Backstage runs as: it may assume the operations role of each added environment. */
  public readonly taskRole: iam.Role;
  /** Bucket of the catalog files the construct writes (the environments). */
  public readonly catalogBucket: s3.Bucket;
  /** Bucket that receives the catalog bucket's server access logs. */
  public readonly catalogAccessLogBucket: s3.Bucket;
  /** The portal's URL. */
  public readonly url: string;
  private readonly container: ecs.ContainerDefinition;
  private readonly environments = new Map<string, IHarmonixEnvironment>();
  private readonly environmentOwner: string;
  /** Where the functions aws-cdk-lib adds for the portal log. */
  private readonly functionLogs: FunctionLogOptions;
  private catalogFileLogs?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BackstageOnFargateProps = {}) {
    super(scope, id);
    deliverAccessLogsByBucketPolicy(this);
    const retain = props.retainData ?? true;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const stack = Stack.of(this);
    this.environmentOwner = checkEntityRef(this, 'environmentOwner', props.environmentOwner ?? 'group:default/platform');
    checkIamName(this, 'taskRoleName', props.taskRoleName, 64);
    const cpu = props.cpu ?? 1024;
    const memoryLimitMiB = props.memoryLimitMiB ?? 2048;
    validateFargateSize(this, cpu, memoryLimitMiB);
    const minCount = validateIntegerRange(this, 'minCount', props.minCount ?? 1, 1, 100);
    const maxCount = validateIntegerRange(this, 'maxCount', props.maxCount ?? Math.max(2, minCount), minCount, 100);
    const desiredCount = validateIntegerRange(this, 'desiredCount', props.desiredCount ?? minCount, minCount, maxCount);
    const minAcu = props.databaseMinCapacity ?? 0;
    const maxAcu = props.databaseMaxCapacity ?? 2;
    validateAuroraCapacity(this, 'databaseMinCapacity', minAcu, 'databaseMaxCapacity', maxAcu);
    const backupDays = validateIntegerRange(this, 'backupRetentionDays', props.backupRetentionDays ?? 7, 7, 35);
    const rotationDays = validateIntegerRange(this, 'databaseRotationDays', props.databaseRotationDays ?? 30, 1, 365);
    const https = this.checkEntry(props);
    tagPlatform(this, 'backstage');

    this.key = new kms.Key(this, 'Key', {
      description: 'harmonix-cdk Backstage: database, secrets, logs, images and catalog files',
      enableKeyRotation: true,
      removalPolicy,
    });
    allowLogsToUseKey(this.key, 'AllowCloudWatchLogsForBackstage', LOG_PREFIX);
    allowPostgresLogsToUseKey(this.key, 'AllowCloudWatchLogsForDatabaseLog');
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.vpc = props.vpc ?? createVpc(this, {
      cidr: '10.10.0.0/16',
      maxAzs: 2,
      natGateways: 1,
      natProvider: NatProviderType.GATEWAY,
      flowLogDestination: FlowLogDestinationType.S3,
      flowLogRetention: logs.RetentionDays.ONE_MONTH,
      flowLogGroupName: `${LOG_PREFIX}/vpc-flow-logs`,
      kmsKey: this.key,
      removalPolicy,
    });

    this.database = createServerlessPostgres(this, 'Database', {
      vpc: this.vpc,
      key: this.key,
      description: 'harmonix-cdk Backstage database: reached by its tasks and the rotation function',
      adminUser: DB_USER,
      minCapacity: minAcu,
      maxCapacity: maxAcu,
      backupDays,
      retain,
      reachedBy: 'Backstage\'s tasks and the rotation function',
      logRetention,
    });
    // Tasks read the password when they start: rotation reaches them with their next start. The
    // rotation function calls Secrets Manager (HTTPS) and the database, nothing else.
    const rotationGroup = new ec2.SecurityGroup(this, 'DatabaseRotationSecurityGroup', {
      vpc: this.vpc, description: 'harmonix-cdk Backstage: database password rotation function', allowAllOutbound: false,
    });
    rotationGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: Secrets Manager');
    this.database.addRotationSingleUser({
      automaticallyAfter: Duration.days(rotationDays), excludeCharacters: '"@/\\ \'', securityGroup: rotationGroup,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc, enableFargateCapacityProviders: true });
    acceptFindings(this.cluster, {
      id: 'AwsSolutions-ECS4',
      reason: 'Container Insights bills per task metric; the portal\'s service metrics and logs are kept without it (turn it on through the cluster for production analysis).',
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: LOG_PREFIX, retention: logRetention, encryptionKey: this.key, removalPolicy,
    });
    this.functionLogs = { namePrefix: `${LOG_PREFIX}/custom-resources/`, key: this.key, retention: logRetention, removalPolicy };
    this.taskRole = new iam.Role(this, 'TaskRole', {
      // A stable name: the environments' operations roles trust it by ARN (operationsTrustedRoleArns).
      roleName: props.taskRoleName ?? 'harmonix-backstage-task',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'harmonix-cdk Backstage: assumes the operations role of each environment it shows, reads its catalog files',
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    let image = props.image;
    if (image && props.imageTag !== undefined) {
      throw propError(this, 'imageTag', 'goes with the repository the construct creates; an `image` carries its own tag or digest.');
    }
    if (!image) {
      if (props.imageTag === undefined) {
        throw propError(this, 'imageTag',
          'is required when the construct creates the repository: pin the portal to the tag (or "sha256:" digest) of the image you pushed, such as its commit.');
      }
      const reference = validateImageReference(this, 'imageTag', props.imageTag);
      // Immutable tags: a tag, once pushed, always names the same image, and the task definition pins one.
      this.repository = createImageRepository(this, 'Repository', { key: this.key, maxImageCount: 30, removalPolicy, pullAccounts: [] });
      image = ecs.ContainerImage.fromEcrRepository(this.repository, reference);
      acceptFindings(this.taskDefinition.obtainExecutionRole(), {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken, the sign-in to ECR before pulling the image, has no resource-level permissions; the pull itself is limited to the portal\'s repository.',
      });
    }

    // The catalog files say which accounts and roles the portal reaches: who reads and writes
    // them is logged, as for the apps' buckets.
    this.catalogAccessLogBucket = createLogBucket(this, 'CatalogAccessLogs', {
      receives: 'the server access logs of the catalog bucket', expirationDays: 365, removalPolicy,
    });
    this.catalogBucket = createDataBucket(this, 'CatalogBucket', {
      encryptionKey: this.key, removalPolicy, serverAccessLogsBucket: this.catalogAccessLogBucket, serverAccessLogsPrefix: 'catalog-bucket/',
    });
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadCatalogFiles', actions: ['s3:GetObject'], resources: [this.catalogBucket.arnForObjects(`${CATALOG_PREFIX}*`)],
    }));
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListCatalogFiles',
      actions: ['s3:ListBucket'],
      resources: [this.catalogBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${CATALOG_PREFIX}*`] } },
    }));
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DecryptCatalogFiles',
      actions: ['kms:Decrypt'],
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }));
    acceptFindings(this.taskRole, {
      id: wildcardResourceFindingId(this.taskRole, this.catalogBucket.arnForObjects(`${CATALOG_PREFIX}*`)),
      reason: 'The catalog files the construct writes (the environments, one per environment, and the blueprints\' templates) under one prefix of the portal\'s own bucket.',
    });

    const backendSecret = new secretsmanager.Secret(this, 'BackendSecret', {
      description: 'harmonix-cdk Backstage: shared secret of the backend',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    // backend.auth.keys is a list; its secret is written into it by reference, never in the template.
    const authKeys = new secretsmanager.Secret(this, 'BackendAuthKeys', {
      description: 'harmonix-cdk Backstage: backend.auth.keys, built from the backend secret',
      encryptionKey: this.key,
      secretStringValue: SecretValue.unsafePlainText(Fn.join('', ['[{"secret":"', backendSecret.secretValue.unsafeUnwrap(), '"}]'])),
      removalPolicy,
    });
    for (const secret of [backendSecret, authKeys]) {
      acceptFindings(secret, {
        id: 'AwsSolutions-SMG4',
        reason: 'The backend secret signs requests between Backstage\'s own plugins; a change applies when the tasks restart, so it is changed with a deployment, not on a schedule.',
      });
    }

    const scheme = https ? 'https' : 'http';
    const baseUrl = props.domainName ? `${scheme}://${props.domainName}` : undefined;
    const secrets: Record<string, ecs.Secret> = {
      POSTGRES_USER: ecs.Secret.fromSecretsManager(this.database.secret!, 'username'),
      POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(this.database.secret!, 'password'),
      APP_CONFIG_backend_auth_keys: ecs.Secret.fromSecretsManager(authKeys),
    };
    const environment: Record<string, string> = {
      POSTGRES_HOST: this.database.clusterEndpoint.hostname,
      POSTGRES_PORT: String(POSTGRES_PORT),
      PGSSLMODE: 'require',
      APP_CONFIG_catalog_providers_awsS3_harmonixEnvironments: Stack.of(this).toJsonString({
        bucketName: this.catalogBucket.bucketName,
        prefix: CATALOG_PREFIX,
        region: stack.region,
        schedule: { frequency: { minutes: 10 }, timeout: { minutes: 3 } },
      }),
      ...(baseUrl ? { APP_CONFIG_app_baseUrl: baseUrl, APP_CONFIG_backend_baseUrl: baseUrl } : {}),
      // The catalog takes a Template from a provider only where its rules allow the kind: the kinds
      // @backstage/create-app allows, and the blueprints' templates the construct publishes.
      ...((props.publishTemplates ?? true) ? { APP_CONFIG_catalog_rules: JSON.stringify([{ allow: CATALOG_KINDS }]) } : {}),
    };
    checkVariables(this, props, [...Object.keys(environment), ...Object.keys(secrets)]);
    const teamSecrets = Object.fromEntries(Object.entries(props.secrets ?? {})
      .map(([name, secret]) => [name, ecs.Secret.fromSecretsManager(secret)]));
    this.container = this.taskDefinition.addContainer('backstage', {
      image,
      portMappings: [{ containerPort: PORT, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'backstage', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      user: '1000:1000',
      environment: { ...environment, ...props.environment },
      secrets: { ...secrets, ...teamSecrets },
    });
    acceptFindings(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason: 'Plain environment variables carry only the database host and port, base URLs and the catalog bucket; every secret reaches the container as an ECS secret.',
    });

    const allowAllOutbound = props.allowAllOutbound ?? false;
    const serviceGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', { vpc: this.vpc, description: 'harmonix-cdk Backstage tasks', allowAllOutbound });
    if (!allowAllOutbound) {
      // AWS APIs (the environments' roles too), the image, secrets and logs, HTTPS integrations; the database adds its port.
      serviceGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: AWS APIs, image registry, integrations');
    }
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [serviceGroup],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }],
      healthCheckGracePeriod: Duration.minutes(3),
    });
    this.database.connections.allowFrom(serviceGroup, ec2.Port.tcp(POSTGRES_PORT), 'Backstage tasks');
    this.service.autoScaleTaskCount({ minCapacity: minCount, maxCapacity: maxCount })
      .scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 70 });

    this.loadBalancer = createPortalEntry(this, props, {
      vpc: this.vpc, service: this.service, https, removalPolicy, deletionProtection: props.deletionProtection ?? retain,
    });
    const url = baseUrl ?? `${scheme}://${this.loadBalancer.loadBalancerDnsName}`;
    this.url = url;
    if (!baseUrl) {
      this.container.addEnvironment('APP_CONFIG_app_baseUrl', url);
      this.container.addEnvironment('APP_CONFIG_backend_baseUrl', url);
    }
    new ssm.StringParameter(this, 'UrlParameter', { parameterName: '/harmonix/platform/backstage/url', stringValue: url, description: 'harmonix-cdk: URL of Backstage' });
    new CfnOutput(this, 'Url', { value: url, description: 'URL of Backstage' });
    if (props.publishTemplates ?? true) {
      this.publishTemplates(props);
    }
    // aws-cdk-lib's providers for the VPC and the buckets log into groups of the portal.
    routeStackProviderLogs(this, this.functionLogs);
  }

  /**
   * Shows an environment in the portal: Backstage's task role may assume its operations role
   * (and nothing else of it), and its catalog entity, derived from its descriptor, is written to
   * the catalog bucket.
   */
  public addEnvironment(environment: IHarmonixEnvironment): void {
    const name = environment.environmentName;
    if (this.environments.has(name)) {
      throw propError(this, `addEnvironment(${environment.node.path})`, `environment ${name} is added already (by ${this.environments.get(name)!.node.path}); add each environment once.`);
    }
    this.environments.set(name, environment);
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: `AssumeOperationsRoleOf${name.replace(/[^A-Za-z0-9]/g, '')}`,
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: [environment.operationsRole.roleArn],
    }));
    this.writeCatalogFile(`CatalogFile-${name}`, `${ENVIRONMENTS_PREFIX}${name}.json`, Stack.of(this).toJsonString(environmentEntity(this, environment.descriptor, this.environmentOwner)));
  }

  /**
   * Writes the blueprints' software templates into the catalog bucket, beside the environments
   * (the same provider reads both): one `Template` per blueprint, made from its options, owned by
   * `environmentOwner`, offering the repository hosts of `templateRepositoryHosts`.
   */
  private publishTemplates(props: BackstageOnFargateProps): void {
    const hosts = props.templateRepositoryHosts ?? ['gitlab.com', 'github.com'];
    if (hosts.length === 0) {
      throw propError(this, 'templateRepositoryHosts', 'is empty: name the host of at least one GitLab or GitHub integration of the portal, or set publishTemplates: false.');
    }
    hosts.forEach((host, i) => {
      if (!Token.isUnresolved(host) && !isHostName(host)) {
        throw propError(this, `templateRepositoryHosts[${i}]`, `"${host}" is not a host name: give the host of a GitLab or GitHub integration, for example gitlab.com or gitlab.example.com:8443.`);
      }
    });
    // What harmonix:create-app reads of an app the platform registered (GitlabRunner.registerApp):
    // its two parameters, and that its image repository exists; in the portal's own account.
    const stack = Stack.of(this);
    const parameters = ['image-repository', 'build-role-arn'].map(what => stack.formatArn({
      service: 'ssm', resource: 'parameter', resourceName: `harmonix/apps/*/${what}`,
    }));
    const repositories = stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' });
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadAppRegistrations', actions: ['ssm:GetParameter'], resources: parameters }));
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'FindAppImageRepositories', actions: ['ecr:DescribeRepositories'], resources: [repositories] }));
    acceptFindings(this.taskRole, ...parameters.map(arn => ({
      id: wildcardResourceFindingId(this.taskRole, arn),
      reason: 'harmonix:create-app reads the parameters GitlabRunner.registerApp wrote for the app it creates, whose name the developer picks in the portal; only these two of each app.',
    })), {
      id: wildcardResourceFindingId(this.taskRole, repositories),
      reason: 'harmonix:create-app checks that the app\'s registered image repository exists (DescribeRepositories, read-only metadata) before it writes its URI into the new repository\'s CI variables.',
    });
    for (const [pjid, template] of Object.entries(blueprintTemplates({ owner: this.environmentOwner, allowedHosts: hosts }))) {
      this.writeCatalogFile(`CatalogTemplate-${pjid}`, `${TEMPLATES_PREFIX}${pjid}.json`, Stack.of(this).toJsonString(template));
    }
  }

  /** The names of the environments shown, in the order added. */
  public get environmentNames(): string[] {
    return [...this.environments.keys()];
  }

  /**
   * Writes one catalog file with an S3 call at deployment (deploy-time values resolved), and
   * deletes it with the stack; the call's function may put and delete that one object only.
   */
  private writeCatalogFile(id: string, key: string, body: string): void {
    const object = { Bucket: this.catalogBucket.bucketName, Key: key };
    new cr.AwsCustomResource(this, id, {
      onUpdate: {
        service: 'S3',
        action: 'putObject',
        parameters: { ...object, Body: body, ContentType: 'application/json' },
        physicalResourceId: cr.PhysicalResourceId.of(key),
      },
      onDelete: { service: 'S3', action: 'deleteObject', parameters: object },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [this.catalogBucket.arnForObjects(key)] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'], resources: [this.key.keyArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: this.catalogFileLogGroup(),
    });
    acceptAwsCustomResourceProvider(Stack.of(this));
  }

  /** The log group of the function behind the catalog files' calls, made with the first file. */
  private catalogFileLogGroup(): logs.LogGroup {
    this.catalogFileLogs ??= new logs.LogGroup(this, 'CatalogFileLogs', {
      logGroupName: `${this.functionLogs.namePrefix}catalog-files`,
      retention: this.functionLogs.retention,
      encryptionKey: this.functionLogs.key,
      removalPolicy: this.functionLogs.removalPolicy,
    });
    return this.catalogFileLogs;
  }

  /** HTTPS (a certificate given or made for the domain) unless plain HTTP is explicitly allowed. */
  private checkEntry(props: BackstageOnFargateProps): boolean {
    if (props.domainName && !props.hostedZone && !props.certificate) {
      throw propError(this, 'hostedZone', `is required with domainName ${props.domainName} when no certificate is given: the construct validates the certificate it creates in that zone and adds the alias record.`);
    }
    if (props.hostedZone && !props.domainName) {
      throw propError(this, 'domainName', 'is required with hostedZone: name the portal\'s domain in that zone.');
    }
    const https = props.certificate !== undefined || props.hostedZone !== undefined;
    if (!https && !props.allowInsecureHttp) {
      throw propError(this, 'certificate', 'or `domainName` with `hostedZone` is required: the portal is served over HTTPS only (set `allowInsecureHttp: true` for a development portal over plain HTTP).');
    }
    if (!https && props.signIn && props.signIn.kind !== 'none') {
      throw propError(this, 'signIn', 'needs HTTPS: the load balancer signs users in on an HTTPS listener only.');
    }
    (props.allowedCidrs ?? []).forEach((cidr, i) => validateCidr(this, `allowedCidrs[${i}]`, cidr, 0, 32));
    if (props.domainName !== undefined) {
      validateDomainName(this, 'domainName', props.domainName, props.hostedZone?.zoneName);
    }
    const oidc = props.signIn?.oidcOptions;
    if (oidc) {
      for (const key of ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint'] as const) {
        validateHttpsUrl(this, `signIn.oidc.${key}`, oidc[key]);
      }
      if (!Token.isUnresolved(oidc.clientId) && !/^\S{1,256}$/.test(oidc.clientId)) {
        throw propError(this, 'signIn.oidc.clientId', `"${oidc.clientId}" is not a client id: give the portal's client id at the provider (1 to 256 characters, no spaces).`);
      }
    }
    return https;
  }
}

/** Stacks whose AwsCustomResource provider carries its acceptance already. */
const acceptedProviders = new WeakSet<Stack>();

/**
 * aws-cdk-lib builds the function behind AwsCustomResource (one per stack) with AWS's basic
 * execution managed policy; its own statements are the exact ones each call asks for.
 */
function acceptAwsCustomResourceProvider(stack: Stack): void {
  if (acceptedProviders.has(stack)) return;
  const id = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
  const provider = stack.node.tryFindChild(id);
  if (!provider) {
    throw new Error(`internal: aws-cdk-lib's AwsCustomResource provider ${id} was not found in ${stack.node.path}`);
  }
  acceptedProviders.add(stack);
  acceptFindings(provider, {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'aws-cdk-lib builds the function behind AwsCustomResource, which writes and deletes the catalog files at deployment, '
      + 'with AWS\'s basic execution policy for its logs; the S3 and KMS calls it makes are limited by their own exact statements to the one catalog object and the key.',
  });
}

/** Checks the owner of the environments' catalog entities. */
function checkEntityRef(scope: Construct, prop: string, ref: string): string {
  if (!isEntityRef(ref)) {
    throw propError(scope, prop, `"${ref}" is not a Backstage entity reference: give one such as "group:default/platform" (kind, namespace and a name of letters, digits and -_.).`);
  }
  return ref;
}

/**
 * The team's variables and secrets: names a container takes, none the construct sets (`own`:
 * overriding one would cut the portal from its database or catalog without a word), none given twice.
 */
function checkVariables(scope: Construct, props: BackstageOnFargateProps, own: string[]): void {
  const given: Array<[string, string]> = [
    ...Object.keys(props.environment ?? {}).map(name => ['environment', name] as [string, string]),
    ...Object.keys(props.secrets ?? {}).map(name => ['secrets', name] as [string, string]),
  ];
  const seen = new Set<string>();
  for (const [prop, name] of given) {
    validateVariableName(scope, `${prop}.${name}`, name);
    if (own.includes(name)) {
      throw propError(scope, `${prop}.${name}`, 'is set by the construct itself (database, backend keys, base URLs or catalog); configure that through its props, or give your setting another name.');
    }
    if (seen.has(name)) {
      throw propError(scope, `${prop}.${name}`, 'is given both as an environment variable and as a secret; give it once.');
    }
    seen.add(name);
  }
}
