import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ArtifactStore } from './artifact-store';
import { validateIntegerRange } from '../../common/validation';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixEnvironmentBase, HarmonixEnvironmentBaseProps } from '../base/environment-base';

/** Props of a serverless environment. */
export interface ServerlessEnvironmentProps extends HarmonixEnvironmentBaseProps {
  /**
   * Create a VPC (with a security group for functions). Functions that reach no private
   * resource need none, and a NAT gateway is an environment's largest idle cost. Ignored when
   * `vpc` is given.
   * @default false
   */
  readonly createVpc?: boolean;
  /**
   * Days to keep replaced versions of deployment bundles.
   * @default 30
   */
  readonly noncurrentArtifactExpirationDays?: number;
  /**
   * Days to keep the artifact bucket's access logs.
   * @default 90
   */
  readonly accessLogExpirationDays?: number;
}

/**
 * A runtime environment for Lambda functions and API Gateway APIs, in a workload account: the
 * shared environment base (key, audit table, provisioning and operations roles, descriptor),
 * an artifact bucket for deployment bundles, and optionally a VPC with a security group for
 * functions. The roles act only on functions and APIs tagged with the environment.
 */
export class ServerlessEnvironment extends HarmonixEnvironmentBase {
  /** Bucket for deployment bundles: encrypted with the environment key, versioned, TLS only. */
  public readonly artifactBucket: s3.Bucket;
  /** Bucket that receives the artifact bucket's access logs. */
  public readonly accessLogBucket: s3.Bucket;
  /** Security group for functions that run in the VPC, if the environment has one. */
  public readonly functionSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ServerlessEnvironmentProps) {
    super(scope, id, props, { kind: EnvironmentKind.SERVERLESS, createVpc: props.createVpc ?? false });
    const noncurrentDays = validateIntegerRange(this, 'noncurrentArtifactExpirationDays', props.noncurrentArtifactExpirationDays ?? 30, 1, 3650);
    const logDays = validateIntegerRange(this, 'accessLogExpirationDays', props.accessLogExpirationDays ?? 90, 1, 3650);

    const store = new ArtifactStore(this, 'Artifacts', {
      kmsKey: this.kmsKey,
      removalPolicy: this.dataRemovalPolicy,
      noncurrentVersionExpirationDays: noncurrentDays,
      accessLogExpirationDays: logDays,
    });
    this.artifactBucket = store.artifactBucket;
    this.accessLogBucket = store.accessLogBucket;

    if (this.vpc) {
      this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
        vpc: this.vpc,
        description: `Lambda functions of harmonix environment ${this.environmentName}`,
        allowAllOutbound: true,
      });
    }

    this.grantServerlessPermissions();
    this.publishDescriptor({
      serverless: { artifactBucket: this.artifactBucket, functionSecurityGroup: this.functionSecurityGroup },
    });
  }

  /** Function- and API-scoped permissions of the provisioning and operations roles. */
  private grantServerlessPermissions(): void {
    const stack = Stack.of(this);
    const functions = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const apis = ['/restapis/*', '/apis/*'].map(path => stack.formatArn({ service: 'apigateway', account: '', resource: path }));
    const taggedFunctions = `Function names are chosen per app; the statement is limited to functions tagged harmonix:environment=${this.environmentName}.`;

    this.grantProvisioning({ sid: 'ListDeploymentBundles', actions: ['s3:ListBucket'], resources: [this.artifactBucket.bucketArn] });
    this.grantProvisioning({
      sid: 'WriteDeploymentBundles',
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [this.artifactBucket.arnForObjects('*')],
      wildcardReason: 'The wildcard stands for the objects of the environment\'s own artifact bucket, where every deployment bundle has its own key.',
    });
    this.grantProvisioning({
      sid: 'UpdateTaggedFunctions',
      actions: ['lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:PublishVersion', 'lambda:UpdateAlias'],
      resources: [functions],
      onlyTaggedResources: true,
      wildcardReason: taggedFunctions,
    });

    this.grantOperations({
      sid: 'OperateTaggedFunctions',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionConcurrency', 'lambda:ListVersionsByFunction', 'lambda:ListAliases',
        'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'],
      resources: [functions],
      onlyTaggedResources: true,
      wildcardReason: taggedFunctions,
    });
    this.grantOperations({
      sid: 'ReadTaggedApis',
      actions: ['apigateway:GET'],
      resources: apis,
      onlyTaggedResources: true,
      wildcardReason: `API ids are generated per app; the statement is limited to APIs tagged harmonix:environment=${this.environmentName}.`,
    });
  }
}
