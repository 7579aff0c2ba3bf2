import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import type { EnvironmentDescriptor } from './descriptor';
import type { IEcsRuntime } from './runtimes/ecs';
import type { IEksRuntime } from './runtimes/eks';
import type { IServerlessRuntime } from './runtimes/serverless';

/**
 * The runtime an environment offers to applications. The set is closed: each kind has a typed
 * runtime view on `IHarmonixEnvironment` that applications, pipelines and blueprints rely on.
 */
export enum EnvironmentKind {
  /** Containers on an ECS cluster (Fargate): the `ecs` runtime view. */
  ECS = 'ECS',
  /** Lambda functions and API Gateway APIs: the `serverless` runtime view. */
  SERVERLESS = 'SERVERLESS',
  /** Kubernetes workloads on an EKS cluster, in application namespaces: the `eks` runtime view. */
  EKS = 'EKS',
}

/**
 * A runtime environment in a workload account: what applications, pipelines, Backstage,
 * blueprints and the scaffolder rely on. Every environment construct implements it, and
 * `HarmonixEnvironment.fromDescriptor` / `fromDescriptorJson` give the same for an environment
 * that lives in another stack, app or account.
 */
export interface IHarmonixEnvironment extends IConstruct {
  /** Name of the environment, unique per account (for example `dev`). */
  readonly environmentName: string;
  /** The runtime it offers. */
  readonly kind: EnvironmentKind;
  /** Account that holds it. */
  readonly account: string;
  /** Region that holds it. */
  readonly region: string;
  /** Its VPC; absent for a serverless environment without one. */
  readonly vpc?: ec2.IVpc;
  /** Customer-managed key that encrypts its data, logs and artifacts. */
  readonly kmsKey: kms.IKey;
  /** DynamoDB table that records every provisioning and operations action (read-only to its roles). */
  readonly auditTable: dynamodb.ITable;
  /**
   * IAM-authenticated URL that adds an audit record (POST a JSON body with `subject`, `action`,
   * `result` and optional `version` and `details`); the record's actor is the signer.
   * Absent for environments described by schema 1.0.
   */
  readonly auditWriterUrl?: string;
  /** Role that pipelines assume to deploy applications into the environment. */
  readonly provisioningRole: iam.IRole;
  /** Role that Backstage assumes to read and operate the environment. */
  readonly operationsRole: iam.IRole;
  /** Qualifier of the CDK bootstrap that deployments into it go through. */
  readonly cdkBootstrapQualifier: string;
  /** Prefix of every CloudWatch Logs group of the environment and its apps (`/harmonix/<name>/`). */
  readonly logGroupPrefix: string;
  /**
   * Its data policy: whether data stores of the environment and of its apps are kept when their
   * stack is deleted. Application data (databases, buckets, queues, secrets) follows it.
   */
  readonly retainData: boolean;
  /**
   * The CloudFormation execution policies of its app stacks, to bootstrap the account with
   * (`cdk bootstrap --cloudformation-execution-policies`). Absent for schemas before 1.3.
   */
  readonly appDeployPolicyArns?: string[];
  /**
   * The permissions boundary every role of an app stack must carry (app constructs set it).
   * Absent for schemas before 1.3.
   */
  readonly appBoundary?: iam.IManagedPolicy;
  /** SSM parameter that holds its descriptor. */
  readonly descriptorParameterName: string;
  /** The ECS runtime, for an ECS environment. */
  readonly ecs?: IEcsRuntime;
  /** The serverless runtime, for a serverless environment. */
  readonly serverless?: IServerlessRuntime;
  /** The EKS runtime, for an EKS environment. */
  readonly eks?: IEksRuntime;
  /**
   * Its descriptor: everything above as ARNs and names, and what delivery needs to know (`stage`,
   * `requireApproval`, `description`). Values of an owned environment may be deploy-time tokens.
   */
  readonly descriptor: EnvironmentDescriptor;
}
