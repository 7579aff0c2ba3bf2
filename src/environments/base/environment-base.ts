import { CfnOutput, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppDeployPolicies, createAppDeployPolicies } from './app-deploy-policy';
import { createAuditTable } from './audit-table';
import { AuditWriter } from './audit-writer';
import { createEnvironmentRole, EnvironmentGrant, grantBasePolicy, grantScoped } from './environment-roles';
import { ciTrusts, GithubCiTrust, GitlabCiTrust } from '../../common/ci-trust';
import { propError } from '../../common/errors';
import { routeStackProviderLogs } from '../../common/function-logs';
import { allowLogsToUseKey, allowPostgresLogsToUseKey } from '../../common/key-policy';
import { DEFAULT_BOOTSTRAP_QUALIFIER, descriptorParameterName, logGroupPrefix } from '../../common/naming';
import { ENVIRONMENT_TAG, tagEnvironment } from '../../common/tags';
import {
  validateCidr, validateEnvironmentName, validateExternalId, validateIntegerRange,
  validateDescription, validateNotEmpty, validateQualifier, validateRoleArn,
} from '../../common/validation';
import { createVpc, FlowLogDestinationType, NatProviderType, VpcSizing } from '../../common/vpc';
import {
  DeliverySettings, DescriptorDocument, describeEnvironment, descriptorOutputs, EnvironmentDescriptor,
} from '../../contract/descriptor';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';
import { IEcsRuntime } from '../../contract/runtimes/ecs';
import { describeEksNamespaces, EksNamespaceDescriptor, IEksRuntime } from '../../contract/runtimes/eks';
import { IServerlessRuntime } from '../../contract/runtimes/serverless';

/**
 * The first production stage: from here on, deployments wait for approval and the environment
 * turns on what production needs (Container Insights, load balancer deletion protection).
 */
export const PRODUCTION_STAGE = 3;

/** Props every environment construct takes. */
export interface HarmonixEnvironmentBaseProps {
  /**
   * Name of the environment, unique per account: 2 to 32 lower-case letters, digits and
   * hyphens (for example `dev`, `qa`, `payments-prod`). It names the SSM descriptor, the
   * roles, the key alias, the log groups and the `harmonix:environment` tag.
   */
  readonly environmentName: string;
  /**
   * Delivery order: lower stages deploy first (dev 1, qa 2, prod 3).
   * @default 1
   */
  readonly stage?: number;
  /**
   * Whether deployments into this environment wait for a manual approval.
   * @default - true from stage 3 on, false below
   */
  readonly requireApproval?: boolean;
  /**
   * What the environment is for (shown in Backstage).
   * @default - "<kind> environment <name>"
   */
  readonly description?: string;
  /**
   * Roles that may assume the provisioning role: pipeline roles such as a GitLab runner role or
   * AppPipeline deploy roles, in this or another account. An account root is refused.
   * @default - none; then `gitlabCiTrust` or `githubCiTrust` is required
   */
  readonly provisioningTrustedRoleArns?: string[];
  /**
   * GitLab CI jobs (gitlab.com or self-managed) that may assume the provisioning role with their
   * OIDC token, without stored AWS keys: exact projects and branches or tags.
   * @default - none
   */
  readonly gitlabCiTrust?: GitlabCiTrust;
  /**
   * GitHub Actions workflows that may assume the provisioning role with their OIDC token:
   * exact repositories and branches or deployment environments.
   * @default - none
   */
  readonly githubCiTrust?: GithubCiTrust;
  /**
   * Roles that may assume the operations role: the Backstage task role, in this or another
   * account. An account root is refused.
   */
  readonly operationsTrustedRoleArns: string[];
  /**
   * External id that callers must pass when they assume either role (at least 8 characters).
   * @default - no external id condition
   */
  readonly externalId?: string;
  /**
   * Qualifier of the CDK bootstrap stack in this account and region; the provisioning role
   * may assume only that bootstrap's deploy, publishing and lookup roles.
   * @default "hnb659fds" (the CDK default)
   */
  readonly cdkBootstrapQualifier?: string;
  /**
   * An existing VPC to use instead of creating one. Its CIDR block must be known (a VPC from
   * `Vpc.fromVpcAttributes` needs `vpcCidrBlock`).
   * @default - a new VPC (ECS), or no VPC (serverless, unless `createVpc`)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * CIDR block of a new VPC (/16 to /24).
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;
  /**
   * Number of availability zones of a new VPC (1 to 6). Use 3 for production.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * Number of NAT gateways (or NAT instances, see `natProvider`) of a new VPC (0 to `maxAzs`).
   * One is cheapest; one per AZ survives the loss of a zone.
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * What gives the private subnets of a new VPC their way out: managed NAT gateways, or NAT
   * instances (a Graviton t4g.nano each: a fraction of a NAT gateway's idle cost, but one
   * instance with no managed failover and a bandwidth ceiling; for non-production).
   * @default NatProviderType.GATEWAY
   */
  readonly natProvider?: NatProviderType;
  /**
   * Where the flow logs of a new VPC go.
   * @default FlowLogDestinationType.S3
   */
  readonly flowLogDestination?: FlowLogDestinationType;
  /**
   * Retention of the VPC flow logs (bucket objects expire after it).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * Keep the key, the audit table, logs and buckets when the stack is deleted. Turn it off
   * only for short-lived test environments.
   * @default true
   */
  readonly retainData?: boolean;
}

/** What a concrete environment construct tells the shared base. */
export interface HarmonixEnvironmentBaseOptions {
  /** The runtime the environment offers. */
  readonly kind: EnvironmentKind;
  /** Whether to create a VPC when the props give none. */
  readonly createVpc: boolean;
}

/** The runtime views a concrete environment publishes: the one of its kind. */
export interface EnvironmentRuntimes {
  /**
   * The ECS runtime.
   * @default - none
   */
  readonly ecs?: IEcsRuntime;
  /**
   * The serverless runtime.
   * @default - none
   */
  readonly serverless?: IServerlessRuntime;
  /**
   * The EKS runtime.
   * @default - none
   */
  readonly eks?: IEksRuntime;
}

/**
 * The shared base of the library's environment kinds (`EcsEnvironment`,
 * `ServerlessEnvironment`): validated props, the customer-managed key, the VPC, the audit
 * table, the provisioning and operations roles, tags, and the descriptor. The set of kinds is
 * closed (see `EnvironmentKind`); to customise an environment, extend one of the kinds and add
 * grants with `grantProvisioning` / `grantOperations`.
 *
 * A concrete environment adds its runtime, grants the roles what that runtime needs and ends
 * its constructor with `publishDescriptor`, handing over its runtime view.
 */
export abstract class HarmonixEnvironmentBase extends Construct implements IHarmonixEnvironment {
  public readonly environmentName: string;
  public readonly kind: EnvironmentKind;
  public readonly account: string;
  public readonly region: string;
  /** Delivery order (dev 1, qa 2, prod 3), as the descriptor records it. */
  public readonly stage: number;
  public readonly vpc?: ec2.IVpc;
  public readonly kmsKey: kms.IKey;
  public readonly auditTable: dynamodb.ITable;
  public readonly auditWriterUrl?: string;
  public readonly provisioningRole: iam.IRole;
  public readonly operationsRole: iam.IRole;
  public readonly cdkBootstrapQualifier: string;
  public readonly logGroupPrefix: string;
  public readonly descriptorParameterName: string;
  /** Removal policy of the data stores (key, table, logs, buckets). */
  /** Whether its data stores, and those of its apps, are kept when their stack is deleted. */
  public readonly retainData: boolean;
  protected readonly dataRemovalPolicy: RemovalPolicy;
  private appDeploy?: AppDeployPolicies;
  private readonly key: kms.Key;
  private readonly provisioning: iam.Role;
  private readonly operations: iam.Role;
  private readonly delivery: DeliverySettings;
  private runtimes?: EnvironmentRuntimes;
  private publishedDescriptor?: EnvironmentDescriptor;

  constructor(scope: Construct, id: string, props: HarmonixEnvironmentBaseProps, options: HarmonixEnvironmentBaseOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    this.environmentName = validateEnvironmentName(this, 'environmentName', props.environmentName);
    this.kind = options.kind;
    this.account = stack.account;
    this.region = stack.region;
    if (props.stage !== undefined && Token.isUnresolved(props.stage)) {
      throw propError(this, 'stage', 'must be a literal number, not a token: it orders delivery and decides approvals at synth time.');
    }
    const stage = validateIntegerRange(this, 'stage', props.stage ?? 1, 1, 99);
    this.stage = stage;
    this.delivery = {
      stage,
      requireApproval: props.requireApproval ?? stage >= PRODUCTION_STAGE,
      description: checkDescription(this, props.description ?? `${options.kind} environment ${this.environmentName}`),
    };
    this.cdkBootstrapQualifier = validateQualifier(this, 'cdkBootstrapQualifier', props.cdkBootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER);
    this.logGroupPrefix = logGroupPrefix(this.environmentName);
    this.descriptorParameterName = descriptorParameterName(this.environmentName);
    this.retainData = props.retainData !== false;
    this.dataRemovalPolicy = this.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const ciTrust = ciTrusts(this, props.gitlabCiTrust, props.githubCiTrust);
    const provisioningTrust = ciTrust.length > 0 ? props.provisioningTrustedRoleArns ?? []
      : validateNotEmpty(this, 'provisioningTrustedRoleArns', props.provisioningTrustedRoleArns, 'pipeline role ARN (or give `gitlabCiTrust` or `githubCiTrust`)');
    const operationsTrust = validateNotEmpty(this, 'operationsTrustedRoleArns', props.operationsTrustedRoleArns, 'Backstage role ARN');
    provisioningTrust.forEach((arn, i) => validateRoleArn(this, `provisioningTrustedRoleArns[${i}]`, arn));
    operationsTrust.forEach((arn, i) => validateRoleArn(this, `operationsTrustedRoleArns[${i}]`, arn));
    if (props.externalId !== undefined) {
      validateExternalId(this, 'externalId', props.externalId);
    }
    const newVpc = this.newVpcSettings(props, options);
    if (props.vpc) {
      checkVpcIsDescribable(this, props.vpc);
    }

    checkOneEnvironmentPerNameAndStack(this);
    tagEnvironment(this, this.environmentName);
    // The stack itself carries the tag too, so the operations role may describe it.
    stack.tags.setTag(ENVIRONMENT_TAG, this.environmentName);

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/harmonix/${this.environmentName}`,
      description: `harmonix-cdk environment ${this.environmentName}: encrypts its audit table, logs and artifacts`,
      enableKeyRotation: true,
      removalPolicy: this.dataRemovalPolicy,
    });
    this.kmsKey = this.key;
    // CloudWatch Logs may use the key only for this environment's log groups.
    allowLogsToUseKey(this.key, 'AllowCloudWatchLogsForEnvironmentLogGroups', this.logGroupPrefix);
    // ...and for the PostgreSQL logs of the apps' databases (AppDatabase), which RDS names.
    allowPostgresLogsToUseKey(this.key, 'AllowCloudWatchLogsForAppDatabaseLogs');

    this.vpc = newVpc
      ? createVpc(this, { ...newVpc, flowLogGroupName: `${this.logGroupPrefix}vpc-flow-logs`, kmsKey: this.kmsKey, removalPolicy: this.dataRemovalPolicy })
      : props.vpc;

    this.auditTable = createAuditTable(this, this.kmsKey, this.dataRemovalPolicy);
    const auditWriter = new AuditWriter(this, 'AuditWriter', {
      logGroupPrefix: this.logGroupPrefix,
      kmsKey: this.kmsKey,
      table: this.auditTable,
      removalPolicy: this.dataRemovalPolicy,
      logRetention: logs.RetentionDays.ONE_MONTH,
    });
    this.auditWriterUrl = auditWriter.url.url;

    const trust = (purpose: string, description: string, trustedRoleArns: readonly string[]) => ({
      environmentName: this.environmentName, purpose, description, trustedRoleArns, externalId: props.externalId,
    });
    this.provisioning = createEnvironmentRole(this, 'ProvisioningRole', {
      ...trust('provisioning', `Assumed by pipelines to deploy applications into harmonix environment ${this.environmentName}`, provisioningTrust),
      webIdentities: ciTrust,
    });
    this.operations = createEnvironmentRole(this, 'OperationsRole',
      trust('operations', `Assumed by Backstage to read and operate harmonix environment ${this.environmentName}`, operationsTrust));
    this.provisioningRole = this.provisioning;
    this.operationsRole = this.operations;
    grantBasePolicy(this, {
      environmentName: this.environmentName,
      cdkBootstrapQualifier: this.cdkBootstrapQualifier,
      descriptorParameterName: this.descriptorParameterName,
      logGroupPrefix: this.logGroupPrefix,
      kmsKeyArn: this.kmsKey.keyArn,
      auditTableArn: this.auditTable.tableArn,
      auditWriterArn: auditWriter.function.functionArn,
      grantProvisioning: grant => this.grantProvisioning(grant),
      grantOperations: grant => this.grantOperations(grant),
    });

    this.node.addValidation({
      validate: () => this.publishedDescriptor ? [] : [
        `${this.node.path}: ${this.constructor.name} never called publishDescriptor(); every environment must publish its descriptor.`,
      ],
    });
  }

  /** The permissions boundary of every role of an app stack (set when the descriptor is published). */
  public get appBoundary(): iam.IManagedPolicy | undefined {
    return this.appDeploy?.boundary;
  }

  /** The CloudFormation execution policies of app stacks (set when the descriptor is published). */
  public get appDeployPolicyArns(): string[] | undefined {
    return this.appDeploy?.executionPolicies.map(p => p.managedPolicyArn);
  }

  /** The ECS runtime, for an ECS environment (set when the descriptor is published). */
  public get ecs(): IEcsRuntime | undefined {
    return this.runtimes?.ecs;
  }

  /** The serverless runtime, for a serverless environment (set when the descriptor is published). */
  public get serverless(): IServerlessRuntime | undefined {
    return this.runtimes?.serverless;
  }

  /** The EKS runtime, for an EKS environment (set when the descriptor is published). */
  public get eks(): IEksRuntime | undefined {
    return this.runtimes?.eks;
  }

  /** The descriptor document this environment publishes (values may be tokens). */
  public get descriptor(): EnvironmentDescriptor {
    if (!this.publishedDescriptor) {
      throw new Error(`${this.node.path}: the descriptor is published at the end of the environment's constructor; read it after construction.`);
    }
    // Described now: what a runtime gained after the constructor (EKS namespaces) is in it, as it
    // is in the published document, which is read at synthesis.
    return describeEnvironment(this, this.delivery);
  }

  /**
   * Grants the provisioning role (assumed by pipelines) one least-privilege statement.
   */
  public grantProvisioning(grant: EnvironmentGrant): void {
    grantScoped(this.provisioning, grant, this.environmentName);
  }

  /**
   * Grants the operations role (assumed by Backstage) one least-privilege statement.
   */
  public grantOperations(grant: EnvironmentGrant): void {
    grantScoped(this.operations, grant, this.environmentName);
  }

  /**
   * Sets the environment's runtime view and writes its descriptor (through the contract's
   * writer) to SSM (`/harmonix/environments/<name>`) and as stack outputs. A concrete
   * environment calls it once, at the end of its constructor.
   */
  protected publishDescriptor(runtimes: EnvironmentRuntimes): void {
    if (this.publishedDescriptor) {
      throw new Error(`${this.node.path}: publishDescriptor() was called twice.`);
    }
    this.runtimes = runtimes;
    // aws-cdk-lib's per-stack providers (the VPC's default security group lock-down, bucket
    // auto-delete) log into groups of the environment, with the key and retention, like its own.
    routeStackProviderLogs(this, {
      namePrefix: `${this.logGroupPrefix}custom-resources/`, key: this.kmsKey, retention: logs.RetentionDays.ONE_MONTH, removalPolicy: this.dataRemovalPolicy,
    });
    this.appDeploy = createAppDeployPolicies(this, {
      environmentName: this.environmentName,
      cdkBootstrapQualifier: this.cdkBootstrapQualifier,
      logGroupPrefix: this.logGroupPrefix,
      kmsKeyArn: this.kmsKey.keyArn,
      vpcId: this.vpc?.vpcId,
      ecs: runtimes.ecs,
      serverless: runtimes.serverless,
      eks: runtimes.eks,
    });
    // An EKS environment's namespaces are added after its constructor: the published list is
    // read at synthesis, so it holds every one of them.
    const eks = runtimes.eks;
    const eksNamespaces = eks && Lazy.any({ produce: () => describeEksNamespaces(eks.namespaces) }) as unknown as EksNamespaceDescriptor[];
    const descriptor = describeEnvironment(this, { ...this.delivery, eksNamespaces });
    this.publishedDescriptor = descriptor;
    new ssm.StringParameter(this, 'Descriptor', {
      parameterName: this.descriptorParameterName,
      description: `harmonix-cdk environment descriptor (schema ${DescriptorDocument.SCHEMA_VERSION}) of ${this.environmentName}`,
      stringValue: Stack.of(this).toJsonString(descriptor),
      // Standard parameters hold 4 KB: a descriptor with many namespaces or subnets and a long
      // description may need more. Intelligent-Tiering stays standard (free) while it fits and
      // becomes advanced (8 KB) only when it does not.
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
    new CfnOutput(this, 'DescriptorParameterName', {
      value: this.descriptorParameterName,
      description: `SSM parameter holding the descriptor of environment ${this.environmentName}`,
    });
    for (const [name, value] of descriptorOutputs(descriptor, v => Stack.of(this).toJsonString(v))) {
      new CfnOutput(this, name, { value, description: `Environment ${this.environmentName}: ${name}` });
    }
  }

  /**
   * The settings of the VPC this environment creates, defaults filled in and checked; undefined
   * when it creates none (a VPC was passed in, or the kind does not want one).
   */
  private newVpcSettings(props: HarmonixEnvironmentBaseProps, options: HarmonixEnvironmentBaseOptions): VpcSizing | undefined {
    const creating = !props.vpc && options.createVpc;
    const vpcOnly = (['vpcCidr', 'maxAzs', 'natGateways', 'natProvider', 'flowLogDestination', 'flowLogRetention'] as const)
      .filter(p => props[p] !== undefined);
    if (!creating && vpcOnly.length > 0) {
      throw propError(this, vpcOnly[0], props.vpc
        ? 'applies only to a VPC this construct creates; configure the VPC you passed in `vpc` instead.'
        : 'applies only when the environment creates a VPC; set `createVpc: true` or pass `vpc`.');
    }
    if (!creating) {
      return undefined;
    }
    const cidr = validateCidr(this, 'vpcCidr', props.vpcCidr ?? '10.0.0.0/16');
    const maxAzs = validateIntegerRange(this, 'maxAzs', props.maxAzs ?? 2, 1, 6);
    const stack = Stack.of(this);
    if (maxAzs > 2 && Token.isUnresolved(stack.region)) {
      throw propError(this, 'maxAzs', `${maxAzs} needs a stack with a concrete account and region (set \`env\`); an environment-agnostic stack offers 2 availability zones.`);
    }
    // Before the CLI has looked the zones up, aws-cdk-lib offers placeholders ("dummy1a"...).
    const offered = Token.isUnresolved(stack.region) ? [] : stack.availabilityZones;
    if (offered.length > 0 && !offered.some(az => az.startsWith('dummy')) && maxAzs > offered.length) {
      throw propError(this, 'maxAzs', `${maxAzs} is more than the ${offered.length} availability zones ${stack.region} offers this account (${offered.join(', ')}); use ${offered.length} or fewer.`);
    }
    const natGateways = validateIntegerRange(this, 'natGateways', props.natGateways ?? 1, 0, maxAzs);
    return {
      cidr,
      maxAzs,
      natGateways,
      natProvider: props.natProvider ?? NatProviderType.GATEWAY,
      flowLogRetention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      flowLogDestination: props.flowLogDestination ?? FlowLogDestinationType.S3,
    };
  }
}

/**
 * Environment names are unique per account (they name the roles, the key alias and the SSM
 * descriptor), and a stack holds one environment (its stack tag names it).
 */
function checkOneEnvironmentPerNameAndStack(env: HarmonixEnvironmentBase): void {
  const stack = Stack.of(env);
  for (const other of env.node.root.node.findAll()) {
    if (other === env || !(other instanceof HarmonixEnvironmentBase)) {
      continue;
    }
    const otherStack = Stack.of(other);
    if (otherStack === stack) {
      throw propError(env, 'scope', `stack ${stack.node.path} already holds environment ${other.environmentName} (${other.node.path}); give each environment its own stack, whose tag names it.`);
    }
    const sameAccount = otherStack.account === stack.account || (Token.isUnresolved(otherStack.account) && Token.isUnresolved(stack.account));
    if (other.environmentName === env.environmentName && sameAccount) {
      throw propError(env, 'environmentName', `"${env.environmentName}" is already the name of ${other.node.path} in the same account; names are unique per account (they name its roles, key alias and SSM descriptor).`);
    }
  }
}

/** The descriptor records the VPC's CIDR block, which an imported VPC may not know. */
function checkVpcIsDescribable(scope: Construct, vpc: ec2.IVpc): void {
  try {
    void vpc.vpcCidrBlock;
  } catch {
    throw propError(scope, 'vpc', 'must know its CIDR block, which the descriptor records: give `vpcCidrBlock` to `Vpc.fromVpcAttributes`, or use `Vpc.fromLookup`.');
  }
}

/** The longest description a descriptor carries (it is also the catalog entity's description). */
const MAX_DESCRIPTION = 1024;

/** Checks an environment's description: literal, one line of printable text, at most 1024 characters. */
function checkDescription(scope: Construct, description: string): string {
  if (Token.isUnresolved(description)) {
    throw propError(scope, 'description', 'must be a literal string, not a token: it is written into the descriptor and the catalog at synth time.');
  }
  validateDescription(scope, 'description', description, MAX_DESCRIPTION);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(description)) {
    throw propError(scope, 'description', 'holds a line break or another control character; give one line of text.');
  }
  return description;
}
