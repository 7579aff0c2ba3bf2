import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EnvironmentDescriptor, parseDescriptor, readDescriptor } from './descriptor';
import { IHarmonixEnvironment } from './environment';
import { importNetwork } from './network';
import { importEcsRuntime } from './runtimes/ecs';
import { importEksRuntime } from './runtimes/eks';
import { importServerlessRuntime } from './runtimes/serverless';
import { propError } from '../common/errors';
import { descriptorParameterName } from '../common/naming';

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

/**
 * An environment defined elsewhere, built from its checked descriptor. Its members are those of
 * the contract (declaration merging), listed once there and filled here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
interface ImportedHarmonixEnvironment extends IHarmonixEnvironment {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class ImportedHarmonixEnvironment extends Construct {
  constructor(scope: Construct, id: string, d: EnvironmentDescriptor) {
    super(scope, id);
    const kmsKey = kms.Key.fromKeyArn(this, 'Key', d.kmsKeyArn);
    const auditTable = dynamodb.Table.fromTableAttributes(this, 'AuditTable', { tableArn: d.auditTableArn, encryptionKey: kmsKey });
    const vpc = d.network && importNetwork(this, d.network);
    const where = { environmentName: d.name, account: d.account, region: d.region };
    const members: Omit<IHarmonixEnvironment, keyof IConstruct> = {
      environmentName: d.name,
      kind: d.kind,
      account: d.account,
      region: d.region,
      vpc,
      kmsKey,
      auditTable,
      auditWriterUrl: d.auditWriterUrl,
      provisioningRole: iam.Role.fromRoleArn(this, 'ProvisioningRole', d.provisioningRoleArn, { mutable: false }),
      operationsRole: iam.Role.fromRoleArn(this, 'OperationsRole', d.operationsRoleArn, { mutable: false }),
      cdkBootstrapQualifier: d.cdkBootstrapQualifier,
      logGroupPrefix: d.logGroupPrefix,
      retainData: d.retainData ?? true,
      appDeployPolicyArns: d.appDeployPolicyArns,
      appBoundary: d.appBoundaryArn === undefined ? undefined : iam.ManagedPolicy.fromManagedPolicyArn(this, 'AppBoundary', d.appBoundaryArn),
      descriptorParameterName: descriptorParameterName(d.name),
      ecs: d.ecs && importEcsRuntime(this, d.ecs, { ...where, vpc: vpc! }),
      serverless: d.serverless && importServerlessRuntime(this, d.serverless, { ...where, kmsKey }),
      eks: d.eks && importEksRuntime(this, d.eks, { vpc: vpc! }),
      descriptor: d,
    };
    Object.assign(this, members);
  }
}
