import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EnvironmentKind, IHarmonixEnvironment } from './contract';
import { EnvironmentDescriptor, parseDescriptor } from './descriptor';
import { propError } from '../common/errors';
import { descriptorParameterName } from '../common/naming';
import { validateEnvironmentName, validateIntegerRange, validateRoleArn } from '../common/validation';

/** What identifies an environment that lives in another stack or account. */
export interface HarmonixEnvironmentAttributes {
  /** Environment name. */
  readonly environmentName: string;
  /** Runtime kind. */
  readonly kind: EnvironmentKind;
  /**
   * Account id.
   * @default - the account of `provisioningRoleArn`
   */
  readonly account?: string;
  /**
   * Region.
   * @default - the region of the stack that imports it
   */
  readonly region?: string;
  /**
   * Delivery order: lower stages deploy first.
   * @default 1
   */
  readonly stage?: number;
  /**
   * Whether deployments into it wait for a manual approval.
   * @default false
   */
  readonly requireApproval?: boolean;
  /**
   * What the environment is for.
   * @default - "<kind> environment <name>"
   */
  readonly description?: string;
  /** ARN of its customer-managed KMS key. */
  readonly kmsKeyArn: string;
  /** ARN of its audit table. */
  readonly auditTableArn: string;
  /** ARN of its provisioning role. */
  readonly provisioningRoleArn: string;
  /** ARN of its operations role. */
  readonly operationsRoleArn: string;
  /**
   * Its VPC.
   * @default - none
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Its ECS cluster (ECS environments).
   * @default - none
   */
  readonly ecsCluster?: ecs.ICluster;
}

/**
 * Gives an `IHarmonixEnvironment` for an environment defined elsewhere: in another stack, app
 * or account. Nothing is created; the returned object only refers to existing resources.
 */
export class HarmonixEnvironment {
  /**
   * An environment from its descriptor (the document at `/harmonix/environments/<name>`).
   */
  public static fromDescriptor(scope: Construct, id: string, descriptor: EnvironmentDescriptor): IHarmonixEnvironment {
    const imported = new Construct(scope, id);
    const net = descriptor.network;
    const vpc = net && ec2.Vpc.fromVpcAttributes(imported, 'Vpc', {
      vpcId: net.vpcId,
      vpcCidrBlock: net.vpcCidrBlock,
      availabilityZones: net.availabilityZones,
      publicSubnetIds: net.publicSubnetIds.length > 0 ? net.publicSubnetIds : undefined,
      privateSubnetIds: net.privateSubnetIds.length > 0 ? net.privateSubnetIds : undefined,
    });
    const ecsDoc = descriptor.ecs;
    if (ecsDoc && !vpc) {
      throw propError(imported, 'descriptor', `an ECS environment's descriptor must hold its network; read it again from ${descriptorParameterName(descriptor.name)}.`);
    }
    const ecsCluster = ecsDoc && vpc && ecs.Cluster.fromClusterAttributes(imported, 'Cluster', {
      clusterName: ecsDoc.clusterName,
      clusterArn: ecsDoc.clusterArn,
      vpc,
    });
    return new ImportedHarmonixEnvironment(imported, 'Environment', {
      environmentName: descriptor.name,
      kind: descriptor.kind,
      account: descriptor.account,
      region: descriptor.region,
      stage: descriptor.stage,
      requireApproval: descriptor.requireApproval,
      description: descriptor.description,
      kmsKeyArn: descriptor.kmsKeyArn,
      auditTableArn: descriptor.auditTableArn,
      provisioningRoleArn: descriptor.provisioningRoleArn,
      operationsRoleArn: descriptor.operationsRoleArn,
      vpc,
      ecsCluster,
    });
  }

  /**
   * An environment from the JSON text of its descriptor, as read from SSM Parameter Store
   * (for example by `aws ssm get-parameter --name /harmonix/environments/dev`).
   */
  public static fromDescriptorJson(scope: Construct, id: string, descriptorJson: string): IHarmonixEnvironment {
    if (Token.isUnresolved(descriptorJson)) {
      throw propError(`${scope.node.path}/${id}`, 'descriptorJson',
        'it must be the descriptor text itself; a deploy-time token such as an SSM parameter reference cannot be read at synth time.');
    }
    return HarmonixEnvironment.fromDescriptor(scope, id, parseDescriptor(`${scope.node.path}/${id}`, descriptorJson));
  }

  /**
   * An environment from the ARNs and names of its resources.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: HarmonixEnvironmentAttributes): IHarmonixEnvironment {
    return new ImportedHarmonixEnvironment(scope, id, attrs);
  }

  /** Name of the SSM parameter that holds the descriptor of the named environment. */
  public static descriptorParameterName(environmentName: string): string {
    return descriptorParameterName(environmentName);
  }

  private constructor() {}
}

/** An environment defined elsewhere. */
class ImportedHarmonixEnvironment extends Construct implements IHarmonixEnvironment {
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
  public readonly ecsCluster?: ecs.ICluster;
  public readonly descriptorParameterName: string;

  constructor(scope: Construct, id: string, attrs: HarmonixEnvironmentAttributes) {
    super(scope, id);
    this.environmentName = validateEnvironmentName(this, 'environmentName', attrs.environmentName);
    validateRoleArn(this, 'provisioningRoleArn', attrs.provisioningRoleArn);
    validateRoleArn(this, 'operationsRoleArn', attrs.operationsRoleArn);
    this.kind = attrs.kind;
    if (attrs.kind === EnvironmentKind.ECS && !attrs.ecsCluster) {
      throw propError(this, 'ecsCluster', 'is required for an ECS environment.');
    }
    this.account = attrs.account ?? accountOf(attrs.provisioningRoleArn) ?? Stack.of(this).account;
    this.region = attrs.region ?? Stack.of(this).region;
    this.stage = validateIntegerRange(this, 'stage', attrs.stage ?? 1, 1, 99);
    this.requireApproval = attrs.requireApproval ?? false;
    this.description = attrs.description ?? `${attrs.kind} environment ${attrs.environmentName}`;
    this.vpc = attrs.vpc;
    this.ecsCluster = attrs.ecsCluster;
    this.kmsKey = kms.Key.fromKeyArn(this, 'Key', attrs.kmsKeyArn);
    this.auditTable = dynamodb.Table.fromTableAttributes(this, 'AuditTable', {
      tableArn: attrs.auditTableArn,
      encryptionKey: this.kmsKey,
    });
    this.provisioningRole = iam.Role.fromRoleArn(this, 'ProvisioningRole', attrs.provisioningRoleArn, { mutable: false });
    this.operationsRole = iam.Role.fromRoleArn(this, 'OperationsRole', attrs.operationsRoleArn, { mutable: false });
    this.descriptorParameterName = descriptorParameterName(this.environmentName);
  }
}

function accountOf(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) {
    return undefined;
  }
  return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).account;
}
