import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EnvironmentDescriptor, parseDescriptor, readDescriptor } from './descriptor';
import { EnvironmentKind, IHarmonixEnvironment } from './environment';
import { importNetwork } from './network';
import { IEcsRuntime, importEcsRuntime } from './runtimes/ecs';
import { importServerlessRuntime, IServerlessRuntime } from './runtimes/serverless';
import { propError } from '../common/errors';
import { descriptorParameterName } from '../common/naming';
import { validateEnvironmentName, validateRoleArn } from '../common/validation';

/**
 * Gives an `IHarmonixEnvironment` for an environment defined elsewhere: in another stack, app
 * or account. Nothing is created; the returned environment refers to the existing resources
 * and offers the same runtime views as the construct that owns them.
 */
export class HarmonixEnvironment {
  /**
   * An environment from its descriptor (the document at `/harmonix/environments/<name>`, or one
   * written by hand from the ARNs of an environment). The descriptor is checked as
   * `DescriptorDocument.parse` checks text.
   */
  public static fromDescriptor(scope: Construct, id: string, descriptor: EnvironmentDescriptor): IHarmonixEnvironment {
    const where = `${scope.node.path}/${id}`;
    return new ImportedHarmonixEnvironment(scope, id, readDescriptor(where, JSON.parse(JSON.stringify(descriptor))));
  }

  /**
   * An environment from the JSON text of its descriptor, as read from SSM Parameter Store
   * (for example `aws ssm get-parameter --name /harmonix/environments/dev --query Parameter.Value --output text`).
   */
  public static fromDescriptorJson(scope: Construct, id: string, descriptorJson: string): IHarmonixEnvironment {
    const where = `${scope.node.path}/${id}`;
    if (Token.isUnresolved(descriptorJson)) {
      throw propError(where, 'descriptorJson',
        'it must be the descriptor text itself; a deploy-time token such as an SSM parameter reference cannot be read at synth time.');
    }
    return new ImportedHarmonixEnvironment(scope, id, parseDescriptor(where, descriptorJson));
  }

  private constructor() {}
}

/** An environment defined elsewhere, built from its checked descriptor. */
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
  public readonly cdkBootstrapQualifier: string;
  public readonly logGroupPrefix: string;
  public readonly descriptorParameterName: string;
  public readonly ecs?: IEcsRuntime;
  public readonly serverless?: IServerlessRuntime;
  public readonly descriptor: EnvironmentDescriptor;

  constructor(scope: Construct, id: string, d: EnvironmentDescriptor) {
    super(scope, id);
    this.descriptor = d;
    this.environmentName = validateEnvironmentName(this, 'descriptor.name', d.name);
    validateRoleArn(this, 'descriptor.provisioningRoleArn', d.provisioningRoleArn);
    validateRoleArn(this, 'descriptor.operationsRoleArn', d.operationsRoleArn);
    this.kind = d.kind;
    this.account = d.account;
    this.region = d.region;
    this.stage = d.stage;
    this.requireApproval = d.requireApproval;
    this.description = d.description;
    this.cdkBootstrapQualifier = d.cdkBootstrapQualifier;
    this.logGroupPrefix = d.logGroupPrefix;
    this.descriptorParameterName = descriptorParameterName(d.name);

    this.kmsKey = kms.Key.fromKeyArn(this, 'Key', d.kmsKeyArn);
    this.auditTable = dynamodb.Table.fromTableAttributes(this, 'AuditTable', { tableArn: d.auditTableArn, encryptionKey: this.kmsKey });
    if (!Token.isUnresolved(d.auditTableArn) && this.auditTable.tableName !== d.auditTableName) {
      throw propError(this, 'descriptor.auditTableName', `"${d.auditTableName}" is not the table of auditTableArn ${d.auditTableArn}; read the descriptor again from ${this.descriptorParameterName}.`);
    }
    this.provisioningRole = iam.Role.fromRoleArn(this, 'ProvisioningRole', d.provisioningRoleArn, { mutable: false });
    this.operationsRole = iam.Role.fromRoleArn(this, 'OperationsRole', d.operationsRoleArn, { mutable: false });
    this.vpc = d.network && importNetwork(this, d.network);
    const where = { environmentName: d.name, account: d.account, region: d.region };
    this.ecs = d.ecs && importEcsRuntime(this, d.ecs, { ...where, vpc: this.vpc! });
    this.serverless = d.serverless && importServerlessRuntime(this, d.serverless, { ...where, kmsKey: this.kmsKey });
  }
}
