import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DescriptorReader } from '../descriptor-reader';

/** The serverless runtime of an environment, as its descriptor records it. */
export interface ServerlessRuntimeDescriptor {
  /** Bucket for deployment bundles. */
  readonly artifactBucketName: string;
  /** ARN of the bucket for deployment bundles. */
  readonly artifactBucketArn: string;
  /**
   * Security group for functions that run in the VPC.
   * @default - the environment has no VPC
   */
  readonly functionSecurityGroupId?: string;
}

/** The serverless runtime of an environment, the same for an owned and an imported one. */
export interface IServerlessRuntime {
  /** Bucket for deployment bundles, encrypted with the environment key. */
  readonly artifactBucket: s3.IBucket;
  /** Security group for functions that run in the VPC, if the environment has one. */
  readonly functionSecurityGroup?: ec2.ISecurityGroup;
}

/** The serverless slice of a descriptor, from the runtime view. */
export function describeServerlessRuntime(runtime: IServerlessRuntime): ServerlessRuntimeDescriptor {
  return {
    artifactBucketName: runtime.artifactBucket.bucketName,
    artifactBucketArn: runtime.artifactBucket.bucketArn,
    functionSecurityGroupId: runtime.functionSecurityGroup?.securityGroupId,
  };
}

/** Reads and checks the serverless slice. */
export function readServerlessRuntime(r: DescriptorReader): ServerlessRuntimeDescriptor {
  return {
    artifactBucketName: r.str('artifactBucketName'),
    artifactBucketArn: r.str('artifactBucketArn'),
    functionSecurityGroupId: r.optStr('functionSecurityGroupId'),
  };
}

/** Where an imported serverless runtime lives. */
export interface ServerlessImportContext {
  readonly kmsKey: kms.IKey;
  readonly account: string;
  readonly region: string;
}

/** The serverless runtime a descriptor slice describes, as references in `scope`. */
export function importServerlessRuntime(scope: Construct, slice: ServerlessRuntimeDescriptor, context: ServerlessImportContext): IServerlessRuntime {
  return {
    artifactBucket: s3.Bucket.fromBucketAttributes(scope, 'ArtifactBucket', {
      bucketArn: slice.artifactBucketArn,
      bucketName: slice.artifactBucketName,
      encryptionKey: context.kmsKey,
      account: context.account,
      region: context.region,
    }),
    functionSecurityGroup: slice.functionSecurityGroupId === undefined ? undefined
      : ec2.SecurityGroup.fromSecurityGroupId(scope, 'FunctionSecurityGroup', slice.functionSecurityGroupId, { mutable: false }),
  };
}
