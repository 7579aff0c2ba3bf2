import { EnvironmentKind } from './contract';
import { DESCRIPTOR_PARAMETER_PREFIX } from '../common/naming';

/** Version of the descriptor document this library writes and reads. */
export const DESCRIPTOR_SCHEMA_VERSION = 1;

/** The network of an environment, as its descriptor records it. */
export interface NetworkDescriptor {
  /** VPC id. */
  readonly vpcId: string;
  /** Primary IPv4 CIDR block of the VPC. */
  readonly vpcCidrBlock: string;
  /** Availability zones of the subnets, in subnet order. */
  readonly availabilityZones: string[];
  /** Public subnet ids, one per availability zone. */
  readonly publicSubnetIds: string[];
  /** Private subnet ids (with egress), one per availability zone. */
  readonly privateSubnetIds: string[];
}

/** The shared HTTPS load balancer of an ECS environment. */
export interface SharedLoadBalancerDescriptor {
  /** ARN of the application load balancer. */
  readonly loadBalancerArn: string;
  /** DNS name of the load balancer (point application records here). */
  readonly dnsName: string;
  /** Canonical hosted zone id of the load balancer, for alias records. */
  readonly canonicalHostedZoneId: string;
  /** ARN of the HTTPS listener that application rules attach to. */
  readonly httpsListenerArn: string;
  /** Security group of the load balancer; app services allow traffic from it. */
  readonly securityGroupId: string;
}

/** The ECS runtime of an environment. */
export interface EcsRuntimeDescriptor {
  /** Cluster name. */
  readonly clusterName: string;
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** Cloud Map namespace name for service discovery and Service Connect. */
  readonly namespaceName: string;
  /** Cloud Map namespace id. */
  readonly namespaceId: string;
  /** Cloud Map namespace ARN. */
  readonly namespaceArn: string;
  /**
   * The shared HTTPS load balancer.
   * @default - the environment has none
   */
  readonly sharedLoadBalancer?: SharedLoadBalancerDescriptor;
}

/** The serverless runtime of an environment. */
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

/**
 * The environment descriptor: one JSON document per environment, stored in SSM Parameter
 * Store at `/harmonix/environments/<name>`. Pipelines, blueprints, Backstage and the
 * scaffolder read it instead of guessing names; it maps one-to-one onto a Backstage
 * `Resource` of type `aws-environment`.
 */
export interface EnvironmentDescriptor {
  /** Version of this document's schema (see `DESCRIPTOR_SCHEMA_VERSION`). */
  readonly schemaVersion: number;
  /** Environment name. */
  readonly name: string;
  /** Runtime kind. */
  readonly kind: EnvironmentKind;
  /** Account id. */
  readonly account: string;
  /** Region. */
  readonly region: string;
  /** Delivery order: lower stages deploy first (dev 1, qa 2, prod 3). */
  readonly stage: number;
  /** Whether deployments into the environment wait for a manual approval. */
  readonly requireApproval: boolean;
  /** What the environment is for. */
  readonly description: string;
  /** ARN of the customer-managed KMS key. */
  readonly kmsKeyArn: string;
  /** Name of the audit table. */
  readonly auditTableName: string;
  /** ARN of the audit table. */
  readonly auditTableArn: string;
  /** ARN of the provisioning role (assumed by pipelines). */
  readonly provisioningRoleArn: string;
  /** ARN of the operations role (assumed by Backstage). */
  readonly operationsRoleArn: string;
  /** Qualifier of the CDK bootstrap stack that deployments go through. */
  readonly cdkBootstrapQualifier: string;
  /** Prefix of every CloudWatch Logs group of the environment and its apps. */
  readonly logGroupPrefix: string;
  /**
   * The network.
   * @default - the environment has no VPC
   */
  readonly network?: NetworkDescriptor;
  /**
   * The ECS runtime.
   * @default - not an ECS environment
   */
  readonly ecs?: EcsRuntimeDescriptor;
  /**
   * The serverless runtime.
   * @default - not a serverless environment
   */
  readonly serverless?: ServerlessRuntimeDescriptor;
}

type Json = Record<string, unknown>;

/**
 * Parses and checks a descriptor document. Throws one sentence naming the first field that is
 * missing or of the wrong type, prefixed with `where`.
 */
export function parseDescriptor(where: string, text: string): EnvironmentDescriptor {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: the environment descriptor is not JSON (${(e as Error).message}); pass the value of its SSM parameter unchanged.`);
  }
  const fail = (field: string, expected: string): never => {
    throw new Error(`${where}: the environment descriptor field \`${field}\` must be ${expected}; read it again from ${DESCRIPTOR_PARAMETER_PREFIX}<name>.`);
  };
  if (!isObject(doc)) {
    fail('(document)', 'a JSON object');
  }
  const d = doc as Json;
  const version = d.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    fail('schemaVersion', 'an integer');
  }
  if (version !== DESCRIPTOR_SCHEMA_VERSION) {
    throw new Error(`${where}: the environment descriptor has schemaVersion ${version}, but this version of harmonix-cdk reads version ${DESCRIPTOR_SCHEMA_VERSION}; upgrade harmonix-cdk.`);
  }
  const str = (o: Json, path: string, key: string): string => {
    const v = o[key];
    return typeof v === 'string' && v.length > 0 ? v : fail(`${path}${key}`, 'a non-empty string');
  };
  const strs = (o: Json, path: string, key: string): string[] => {
    const v = o[key];
    return Array.isArray(v) && v.every(x => typeof x === 'string') ? [...v as string[]] : fail(`${path}${key}`, 'a list of strings');
  };
  const optObj = (o: Json, path: string, key: string): Json | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    return isObject(v) ? v as Json : fail(`${path}${key}`, 'an object');
  };
  const kind = str(d, '', 'kind');
  if (!Object.values(EnvironmentKind).includes(kind as EnvironmentKind)) {
    fail('kind', `one of ${Object.values(EnvironmentKind).join(', ')}`);
  }
  const stage = d.stage;
  if (typeof stage !== 'number' || !Number.isInteger(stage) || stage < 1) {
    fail('stage', 'a whole number of 1 or more');
  }
  if (typeof d.requireApproval !== 'boolean') {
    fail('requireApproval', 'true or false');
  }
  if (typeof d.description !== 'string') {
    fail('description', 'a string');
  }

  const net = optObj(d, '', 'network');
  const ecsDoc = optObj(d, '', 'ecs');
  const lb = ecsDoc ? optObj(ecsDoc, 'ecs.', 'sharedLoadBalancer') : undefined;
  const sls = optObj(d, '', 'serverless');
  if (kind === EnvironmentKind.ECS && !ecsDoc) {
    fail('ecs', 'present for an ECS environment');
  }
  if (kind === EnvironmentKind.ECS && !net) {
    fail('network', 'present for an ECS environment');
  }
  if (kind === EnvironmentKind.SERVERLESS && !sls) {
    fail('serverless', 'present for a serverless environment');
  }
  const fnSg = sls?.functionSecurityGroupId;
  if (fnSg !== undefined && typeof fnSg !== 'string') {
    fail('serverless.functionSecurityGroupId', 'a string');
  }

  return {
    schemaVersion: version as number,
    name: str(d, '', 'name'),
    kind: kind as EnvironmentKind,
    account: str(d, '', 'account'),
    region: str(d, '', 'region'),
    stage: stage as number,
    requireApproval: d.requireApproval as boolean,
    description: d.description as string,
    kmsKeyArn: str(d, '', 'kmsKeyArn'),
    auditTableName: str(d, '', 'auditTableName'),
    auditTableArn: str(d, '', 'auditTableArn'),
    provisioningRoleArn: str(d, '', 'provisioningRoleArn'),
    operationsRoleArn: str(d, '', 'operationsRoleArn'),
    cdkBootstrapQualifier: str(d, '', 'cdkBootstrapQualifier'),
    logGroupPrefix: str(d, '', 'logGroupPrefix'),
    network: net && {
      vpcId: str(net, 'network.', 'vpcId'),
      vpcCidrBlock: str(net, 'network.', 'vpcCidrBlock'),
      availabilityZones: strs(net, 'network.', 'availabilityZones'),
      publicSubnetIds: strs(net, 'network.', 'publicSubnetIds'),
      privateSubnetIds: strs(net, 'network.', 'privateSubnetIds'),
    },
    ecs: ecsDoc && {
      clusterName: str(ecsDoc, 'ecs.', 'clusterName'),
      clusterArn: str(ecsDoc, 'ecs.', 'clusterArn'),
      namespaceName: str(ecsDoc, 'ecs.', 'namespaceName'),
      namespaceId: str(ecsDoc, 'ecs.', 'namespaceId'),
      namespaceArn: str(ecsDoc, 'ecs.', 'namespaceArn'),
      sharedLoadBalancer: lb && {
        loadBalancerArn: str(lb, 'ecs.sharedLoadBalancer.', 'loadBalancerArn'),
        dnsName: str(lb, 'ecs.sharedLoadBalancer.', 'dnsName'),
        canonicalHostedZoneId: str(lb, 'ecs.sharedLoadBalancer.', 'canonicalHostedZoneId'),
        httpsListenerArn: str(lb, 'ecs.sharedLoadBalancer.', 'httpsListenerArn'),
        securityGroupId: str(lb, 'ecs.sharedLoadBalancer.', 'securityGroupId'),
      },
    },
    serverless: sls && {
      artifactBucketName: str(sls, 'serverless.', 'artifactBucketName'),
      artifactBucketArn: str(sls, 'serverless.', 'artifactBucketArn'),
      functionSecurityGroupId: fnSg as string | undefined,
    },
  };
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
