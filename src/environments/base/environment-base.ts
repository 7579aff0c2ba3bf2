import { ArnFormat, CfnOutput, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { createAuditTable, AUDIT_BY_ACTOR_INDEX } from './audit-table';
import { createEnvironmentVpc, EnvironmentVpcSizing } from './environment-network';
import { createEnvironmentRole, grantScoped } from './environment-roles';
import { propError } from '../../common/errors';
import {
  bootstrapRoleName, DEFAULT_BOOTSTRAP_QUALIFIER, descriptorParameterName, logGroupPrefix,
} from '../../common/naming';
import { tagEnvironment } from '../../common/tags';
import {
  validateCidr, validateEnvironmentName, validateExternalId, validateIntegerRange,
  validateNotEmpty, validateQualifier, validateRoleArn,
} from '../../common/validation';
import { EnvironmentKind, IHarmonixEnvironment } from '../contract';
import {
  DESCRIPTOR_SCHEMA_VERSION, EcsRuntimeDescriptor, EnvironmentDescriptor, NetworkDescriptor,
  ServerlessRuntimeDescriptor,
} from '../descriptor';

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
   */
  readonly provisioningTrustedRoleArns: string[];
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
   * An existing VPC to use instead of creating one.
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
   * Number of NAT gateways of a new VPC (0 to `maxAzs`). One is cheapest; one per AZ survives
   * the loss of a zone.
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Retention of the VPC flow logs.
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

/**
 * One least-privilege statement for an environment role. Actions are exact (a `*` in an action
 * is refused); a resource ARN that holds `*` needs `wildcardReason`, recorded as the accepted
 * cdk-nag finding of that resource.
 */
export interface EnvironmentGrant {
  /** Statement id, so the policy reads as a list of purposes. */
  readonly sid: string;
  /** Exact IAM actions. */
  readonly actions: string[];
  /** Resource ARNs. */
  readonly resources: string[];
  /**
   * Limit the statement to resources tagged `harmonix:environment=<name>`.
   * @default false
   */
  readonly onlyTaggedResources?: boolean;
  /**
   * Why a `*` inside a resource ARN still stays within this environment.
   * @default - none; required when a resource holds `*`
   */
  readonly wildcardReason?: string;
}

/** What a concrete environment construct tells the shared base. */
export interface HarmonixEnvironmentBaseOptions {
  /** The runtime the environment offers. */
  readonly kind: EnvironmentKind;
  /** Whether to create a VPC when the props give none. */
  readonly createVpc: boolean;
}

/** The runtime part of a descriptor, given by the concrete environment. */
export interface EnvironmentRuntimeDescription {
  /**
   * The ECS runtime.
   * @default - none
   */
  readonly ecs?: EcsRuntimeDescriptor;
  /**
   * The serverless runtime.
   * @default - none
   */
  readonly serverless?: ServerlessRuntimeDescriptor;
}

/**
 * The shared base of every environment construct: validated props, the customer-managed key,
 * the VPC, the audit table, the provisioning and operations roles, tags, and the descriptor.
 *
 * A concrete environment adds its runtime, grants the roles what that runtime needs (with
 * `grantProvisioning` / `grantOperations`) and ends its constructor with `publishDescriptor`.
 */
export abstract class HarmonixEnvironmentBase extends Construct implements IHarmonixEnvironment {
  public readonly environmentName: string;
  public readonly kind: EnvironmentKind;
  public readonly account: string;
  public readonly region: string;
  public readonly stage: number;
  public readonly requireApproval: boolean;
  public readonly description: string;
  public readonly vpc?: ec2.IVpc;
  public readonly kmsKey: kms.IKey;
  public readonly auditTable: dynamodb.ITable;
  public readonly provisioningRole: iam.IRole;
  public readonly operationsRole: iam.IRole;
  public readonly descriptorParameterName: string;
  /** Qualifier of the CDK bootstrap the provisioning role deploys through. */
  public readonly cdkBootstrapQualifier: string;
  /** Prefix of every log group of the environment and its apps (`/harmonix/<name>/`). */
  public readonly logGroupPrefix: string;
  /** Removal policy of the data stores (key, table, logs, buckets). */
  protected readonly dataRemovalPolicy: RemovalPolicy;
  private readonly key: kms.Key;
  private readonly provisioning: iam.Role;
  private readonly operations: iam.Role;
  private publishedDescriptor?: EnvironmentDescriptor;

  constructor(scope: Construct, id: string, props: HarmonixEnvironmentBaseProps, options: HarmonixEnvironmentBaseOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    this.environmentName = validateEnvironmentName(this, 'environmentName', props.environmentName);
    this.kind = options.kind;
    this.account = stack.account;
    this.region = stack.region;
    this.stage = validateIntegerRange(this, 'stage', props.stage ?? 1, 1, 99);
    this.requireApproval = props.requireApproval ?? this.stage >= 3;
    this.description = props.description ?? `${options.kind} environment ${this.environmentName}`;
    this.cdkBootstrapQualifier = validateQualifier(this, 'cdkBootstrapQualifier', props.cdkBootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER);
    this.logGroupPrefix = logGroupPrefix(this.environmentName);
    this.descriptorParameterName = descriptorParameterName(this.environmentName);
    this.dataRemovalPolicy = props.retainData === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const provisioningTrust = validateNotEmpty(this, 'provisioningTrustedRoleArns', props.provisioningTrustedRoleArns, 'pipeline role ARN');
    const operationsTrust = validateNotEmpty(this, 'operationsTrustedRoleArns', props.operationsTrustedRoleArns, 'Backstage role ARN');
    provisioningTrust.forEach((arn, i) => validateRoleArn(this, `provisioningTrustedRoleArns[${i}]`, arn));
    operationsTrust.forEach((arn, i) => validateRoleArn(this, `operationsTrustedRoleArns[${i}]`, arn));
    if (props.externalId !== undefined) {
      validateExternalId(this, 'externalId', props.externalId);
    }
    const newVpc = this.newVpcSettings(props, options);

    tagEnvironment(this, this.environmentName);

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/harmonix/${this.environmentName}`,
      description: `harmonix-cdk environment ${this.environmentName}: encrypts its audit table, logs and artifacts`,
      enableKeyRotation: true,
      removalPolicy: this.dataRemovalPolicy,
    });
    this.kmsKey = this.key;
    this.allowLogsToUseKey();

    this.vpc = newVpc
      ? createEnvironmentVpc(this, { ...newVpc, environmentName: this.environmentName, kmsKey: this.kmsKey, removalPolicy: this.dataRemovalPolicy })
      : props.vpc;

    this.auditTable = createAuditTable(this, this.kmsKey, this.dataRemovalPolicy);

    this.provisioning = createEnvironmentRole(this, 'ProvisioningRole', {
      environmentName: this.environmentName,
      purpose: 'provisioning',
      description: `Assumed by pipelines to deploy applications into harmonix environment ${this.environmentName}`,
      trustedRoleArns: provisioningTrust,
      externalId: props.externalId,
    });
    this.operations = createEnvironmentRole(this, 'OperationsRole', {
      environmentName: this.environmentName,
      purpose: 'operations',
      description: `Assumed by Backstage to read and operate harmonix environment ${this.environmentName}`,
      trustedRoleArns: operationsTrust,
      externalId: props.externalId,
    });
    this.provisioningRole = this.provisioning;
    this.operationsRole = this.operations;
    this.grantBasePermissions();

    this.node.addValidation({
      validate: () => this.publishedDescriptor ? [] : [
        `${this.node.path}: ${this.constructor.name} never called publishDescriptor(); every environment must publish its descriptor.`,
      ],
    });
  }

  /** The ECS cluster, for environments that have one. */
  public get ecsCluster(): ecs.ICluster | undefined {
    return undefined;
  }

  /** The descriptor document this environment publishes (values may be tokens). */
  public get descriptor(): EnvironmentDescriptor {
    if (!this.publishedDescriptor) {
      throw new Error(`${this.node.path}: the descriptor is published at the end of the environment's constructor; read it after construction.`);
    }
    return this.publishedDescriptor;
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
   * Writes the descriptor to SSM (`/harmonix/environments/<name>`) and as stack outputs. A
   * concrete environment calls it once, at the end of its constructor.
   */
  protected publishDescriptor(runtime: EnvironmentRuntimeDescription): void {
    if (this.publishedDescriptor) {
      throw new Error(`${this.node.path}: publishDescriptor() was called twice.`);
    }
    const descriptor: EnvironmentDescriptor = {
      schemaVersion: DESCRIPTOR_SCHEMA_VERSION,
      name: this.environmentName,
      kind: this.kind,
      account: this.account,
      region: this.region,
      stage: this.stage,
      requireApproval: this.requireApproval,
      description: this.description,
      kmsKeyArn: this.kmsKey.keyArn,
      auditTableName: this.auditTable.tableName,
      auditTableArn: this.auditTable.tableArn,
      provisioningRoleArn: this.provisioningRole.roleArn,
      operationsRoleArn: this.operationsRole.roleArn,
      cdkBootstrapQualifier: this.cdkBootstrapQualifier,
      logGroupPrefix: this.logGroupPrefix,
      network: this.vpc ? describeNetwork(this.vpc) : undefined,
      ecs: runtime.ecs,
      serverless: runtime.serverless,
    };
    this.publishedDescriptor = descriptor;
    new ssm.StringParameter(this, 'Descriptor', {
      parameterName: this.descriptorParameterName,
      description: `harmonix-cdk environment descriptor (schema ${DESCRIPTOR_SCHEMA_VERSION}) of ${this.environmentName}`,
      stringValue: Stack.of(this).toJsonString(descriptor),
      tier: ssm.ParameterTier.STANDARD,
    });
    new CfnOutput(this, 'DescriptorParameterName', {
      value: this.descriptorParameterName,
      description: `SSM parameter holding the descriptor of environment ${this.environmentName}`,
    });
    for (const [name, value] of flattenForOutputs(descriptor)) {
      new CfnOutput(this, name, { value, description: `Environment ${this.environmentName}: ${name}` });
    }
  }

  /**
   * The settings of the VPC this environment creates, defaults filled in and checked; undefined
   * when it creates none (a VPC was passed in, or the kind does not want one).
   */
  private newVpcSettings(props: HarmonixEnvironmentBaseProps, options: HarmonixEnvironmentBaseOptions): EnvironmentVpcSizing | undefined {
    const creating = !props.vpc && options.createVpc;
    const vpcOnly = (['vpcCidr', 'maxAzs', 'natGateways', 'flowLogRetention'] as const)
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
    if (maxAzs > 2 && Token.isUnresolved(Stack.of(this).region)) {
      throw propError(this, 'maxAzs', `${maxAzs} needs a stack with a concrete account and region (set \`env\`); an environment-agnostic stack offers 2 availability zones.`);
    }
    const natGateways = validateIntegerRange(this, 'natGateways', props.natGateways ?? 1, 0, maxAzs);
    return { cidr, maxAzs, natGateways, flowLogRetention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH };
  }

  /** CloudWatch Logs may use the key only for this environment's log groups. */
  private allowLogsToUseKey(): void {
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForEnvironmentLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': Stack.of(this).formatArn({
            service: 'logs', resource: 'log-group', resourceName: `${this.logGroupPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }));
  }

  /** What both roles may do in every environment, whatever its runtime. */
  private grantBasePermissions(): void {
    const stack = Stack.of(this);
    const bootstrapRoles = ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(purpose => stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: bootstrapRoleName(this.cdkBootstrapQualifier, purpose, stack.account, stack.region),
    }));
    const descriptorArn = stack.formatArn({
      service: 'ssm', resource: 'parameter', resourceName: this.descriptorParameterName.substring(1),
    });
    const keyActions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

    this.grantProvisioning({ sid: 'AssumeCdkBootstrapRoles', actions: ['sts:AssumeRole', 'sts:TagSession'], resources: bootstrapRoles });
    this.grantProvisioning({ sid: 'ReadEnvironmentDescriptor', actions: ['ssm:GetParameter'], resources: [descriptorArn] });
    this.grantProvisioning({ sid: 'WriteAuditRecords', actions: ['dynamodb:PutItem'], resources: [this.auditTable.tableArn] });
    this.grantProvisioning({ sid: 'UseEnvironmentKey', actions: keyActions, resources: [this.kmsKey.keyArn] });

    this.grantOperations({ sid: 'ReadEnvironmentDescriptor', actions: ['ssm:GetParameter'], resources: [descriptorArn] });
    this.grantOperations({
      sid: 'ReadAndWriteAuditRecords',
      actions: ['dynamodb:PutItem', 'dynamodb:Query'],
      resources: [this.auditTable.tableArn, `${this.auditTable.tableArn}/index/${AUDIT_BY_ACTOR_INDEX}`],
    });
    this.grantOperations({ sid: 'UseEnvironmentKey', actions: keyActions, resources: [this.kmsKey.keyArn] });
    this.grantOperations({
      sid: 'ReadEnvironmentLogs',
      actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      resources: [
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.logGroupPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.logGroupPrefix}*:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      wildcardReason: `Log groups are limited to the environment prefix ${this.logGroupPrefix}; the wildcard covers the apps' log groups and streams under it.`,
    });
    this.grantOperations({
      sid: 'DescribeEnvironmentStacks',
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources'],
      resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*' })],
      onlyTaggedResources: true,
      wildcardReason: `Stack names are chosen per app; the statement is limited to stacks tagged harmonix:environment=${this.environmentName}.`,
    });
  }
}

/** The network part of a descriptor. */
function describeNetwork(vpc: ec2.IVpc): NetworkDescriptor {
  return {
    vpcId: vpc.vpcId,
    vpcCidrBlock: vpc.vpcCidrBlock,
    availabilityZones: vpc.availabilityZones,
    publicSubnetIds: vpc.publicSubnets.map(s => s.subnetId),
    privateSubnetIds: vpc.privateSubnets.map(s => s.subnetId),
  };
}

/** Every leaf of the descriptor as [OutputId, string value]. */
function flattenForOutputs(descriptor: EnvironmentDescriptor): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) {
      return;
    }
    if (Array.isArray(value)) {
      out.push([prefix, value.map(v => String(v)).join(',')]);
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value as object)) {
        visit(prefix + key.charAt(0).toUpperCase() + key.slice(1), child);
      }
    } else {
      out.push([prefix, Token.isUnresolved(value) ? value as string : String(value)]);
    }
  };
  visit('', descriptor);
  return out;
}
