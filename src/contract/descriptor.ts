import { Token, Tokenization } from 'aws-cdk-lib';
import { DescriptorReader, isJsonObject } from './descriptor-reader';
import { checkDescriptorValues } from './descriptor-values';
import { EnvironmentKind, IHarmonixEnvironment } from './environment';
import { describeNetwork, NetworkDescriptor, readNetwork } from './network';
import { describeEcsRuntime, EcsRuntimeDescriptor, readEcsRuntime } from './runtimes/ecs';
import { describeEksRuntime, EksNamespaceDescriptor, EksRuntimeDescriptor, readEksRuntime } from './runtimes/eks';
import { describeServerlessRuntime, readServerlessRuntime, ServerlessRuntimeDescriptor } from './runtimes/serverless';
import { descriptorParameterName } from '../common/naming';
import { isShortName } from '../common/validation';

/**
 * The environment descriptor: one JSON document per environment, stored in SSM Parameter
 * Store at `/harmonix/environments/<name>`. Pipelines, blueprints, Backstage and the
 * scaffolder read it instead of guessing names; it maps one-to-one onto a Backstage
 * `Resource` of type `aws-environment`.
 */
export interface EnvironmentDescriptor {
  /** Schema version of the document, `MAJOR.MINOR` (see `DescriptorDocument.SCHEMA_VERSION`). */
  readonly schemaVersion: string;
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
  /**
   * IAM-authenticated URL of the audit writer, the only way to add audit records.
   * @default - none (descriptors of schema 1.0)
   */
  readonly auditWriterUrl?: string;
  /** ARN of the provisioning role (assumed by pipelines). */
  readonly provisioningRoleArn: string;
  /** ARN of the operations role (assumed by Backstage). */
  readonly operationsRoleArn: string;
  /** Qualifier of the CDK bootstrap stack that deployments go through. */
  readonly cdkBootstrapQualifier: string;
  /** Prefix of every CloudWatch Logs group of the environment and its apps. */
  readonly logGroupPrefix: string;
  /**
   * The environment's data policy: whether its data stores, and those of its apps, are kept
   * when their stack is deleted (`false`: deleted with it).
   * @default true (descriptors before schema 1.2)
   */
  readonly retainData?: boolean;
  /**
   * ARNs of the CloudFormation execution policies for app stacks (bootstrap the account with
   * `cdk bootstrap --cloudformation-execution-policies <these, comma-separated>`).
   * @default - none (descriptors before schema 1.3)
   */
  readonly appDeployPolicyArns?: string[];
  /**
   * ARN of the permissions boundary every role of an app stack carries.
   * @default - none (descriptors before schema 1.3): app roles carry no boundary
   */
  readonly appBoundaryArn?: string;
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
  /**
   * The EKS runtime.
   * @default - not an EKS environment (descriptors before schema 1.4 have no EKS kind)
   */
  readonly eks?: EksRuntimeDescriptor;
}

/** Major and minor version of the descriptor schema this library writes. */
const SCHEMA = { major: 1, minor: 4 };

/** Which runtime slice each kind carries, and whether it needs a network. */
const KIND_RUNTIMES: Record<EnvironmentKind, { readonly runtime: 'ecs' | 'serverless' | 'eks'; readonly needsNetwork: boolean }> = {
  [EnvironmentKind.ECS]: { runtime: 'ecs', needsNetwork: true },
  [EnvironmentKind.SERVERLESS]: { runtime: 'serverless', needsNetwork: false },
  [EnvironmentKind.EKS]: { runtime: 'eks', needsNetwork: true },
};
const RUNTIME_SLICES = ['ecs', 'serverless', 'eks'] as const;

/**
 * Reading and writing environment descriptors, from every language.
 *
 * Evolution: a change that only adds fields raises the minor version; readers accept their own
 * and every older version, and a newer minor (whose added fields they ignore); a breaking change
 * raises the major version, which older readers refuse with a sentence naming both versions.
 */
export class DescriptorDocument {
  /** The schema version this library writes: `MAJOR.MINOR`. */
  public static readonly SCHEMA_VERSION = `${SCHEMA.major}.${SCHEMA.minor}`;

  /**
   * Parses and checks the JSON text of a descriptor, as stored in SSM Parameter Store. Throws
   * one sentence naming the first field that is missing or wrong.
   * @param json the descriptor text
   * @param source what the text is, for error messages (for example a file name)
   */
  public static parse(json: string, source?: string): EnvironmentDescriptor {
    return parseDescriptor(source ?? 'environment descriptor', json);
  }

  /**
   * The JSON text of a descriptor (two-space indented), checked as `parse` checks it. The
   * descriptor must hold no deploy-time tokens: read the deployed one from SSM instead.
   */
  public static format(descriptor: EnvironmentDescriptor): string {
    if (Token.isUnresolved(JSON.stringify(descriptor))) {
      throw new Error(`environment descriptor ${descriptor.name}: it holds deploy-time values, which only exist once deployed; read the deployed descriptor from ${descriptorParameterName(descriptor.name)}.`);
    }
    const checked = readDescriptor(`environment descriptor ${descriptor.name}`, JSON.parse(JSON.stringify(descriptor)));
    return JSON.stringify(checked, undefined, 2);
  }

  /** Name of the SSM parameter that holds the descriptor of the named environment. */
  public static parameterName(environmentName: string): string {
    if (!isShortName(environmentName)) {
      throw new Error(`DescriptorDocument.parameterName: "${environmentName}" is not an environment name; `
        + 'environment names are 2 to 32 lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit (for example "dev").');
    }
    return descriptorParameterName(environmentName);
  }

  private constructor() {}
}

/** Parses descriptor text; `where` prefixes every error. */
export function parseDescriptor(where: string, text: string): EnvironmentDescriptor {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: the environment descriptor is not JSON (${(e as Error).message}); pass the value of its SSM parameter unchanged.`);
  }
  return readDescriptor(where, doc);
}

/**
 * Checks a parsed descriptor document and returns it in the current schema: fields an older
 * version did not have get their documented defaults, unknown fields are dropped.
 */
export function readDescriptor(where: string, doc: unknown): EnvironmentDescriptor {
  if (!isJsonObject(doc)) {
    throw new Error(`${where}: the environment descriptor must be a JSON object; pass the value of its SSM parameter unchanged.`);
  }
  const parameter = (doc as Record<string, any>).Parameter;
  if (isJsonObject(parameter) && typeof parameter.Value === 'string') {
    throw new Error(`${where}: this is the whole output of \`aws ssm get-parameter\`; pass only the descriptor, its Parameter.Value (add \`--query Parameter.Value --output text\`).`);
  }
  const r = new DescriptorReader(where, doc as Record<string, unknown>);
  checkSchemaVersion(where, r, (doc as Record<string, unknown>).schemaVersion);
  const kindName = r.str('kind');
  if (!(kindName in KIND_RUNTIMES)) {
    throw new Error(`${where}: the environment descriptor has kind ${kindName}, which this version of harmonix-cdk does not know (it knows ${Object.keys(KIND_RUNTIMES).join(', ')}); upgrade harmonix-cdk.`);
  }
  const kind = kindName as EnvironmentKind;
  const descriptor: EnvironmentDescriptor = {
    schemaVersion: DescriptorDocument.SCHEMA_VERSION,
    name: r.str('name'),
    kind,
    account: r.str('account'),
    region: r.str('region'),
    stage: r.int('stage', 1),
    requireApproval: r.bool('requireApproval'),
    description: r.text('description'),
    kmsKeyArn: r.str('kmsKeyArn'),
    auditTableName: r.str('auditTableName'),
    auditTableArn: r.str('auditTableArn'),
    auditWriterUrl: r.optStr('auditWriterUrl'),
    provisioningRoleArn: r.str('provisioningRoleArn'),
    operationsRoleArn: r.str('operationsRoleArn'),
    cdkBootstrapQualifier: r.str('cdkBootstrapQualifier'),
    logGroupPrefix: r.str('logGroupPrefix'),
    retainData: r.optBool('retainData') ?? true,
    appDeployPolicyArns: r.optStrs('appDeployPolicyArns'),
    appBoundaryArn: r.optStr('appBoundaryArn'),
    network: r.optObj('network', readNetwork),
    ecs: r.optObj('ecs', readEcsRuntime),
    serverless: r.optObj('serverless', readServerlessRuntime),
    eks: r.optObj('eks', readEksRuntime),
  };
  checkRuntimeSlices(descriptor, (field, problem) => r.fail(field, problem));
  checkDescriptorValues(descriptor, (field, value, allowed) => {
    throw new Error(`${where}: the environment descriptor field \`${field}\` is ${JSON.stringify(value)}; it must be ${allowed}. `
      + `Read the descriptor again from ${descriptorParameterName(isShortName(descriptor.name) ? descriptor.name : '<name>')}.`);
  });
  return descriptor;
}

/** What delivery needs to know about an environment, beyond its resources. */
export interface DeliverySettings extends Pick<EnvironmentDescriptor, 'stage' | 'requireApproval' | 'description'> {
  /**
   * The namespaces of an owned EKS environment, as a lazy value: they are added after its
   * constructor, and the published descriptor holds all of them.
   */
  readonly eksNamespaces?: EksNamespaceDescriptor[];
}

/**
 * The descriptor of an environment, from its contract fields, its runtime views and its delivery
 * settings. The owned environment publishes exactly this; for an imported one it gives back
 * what it was read from.
 */
export function describeEnvironment(env: IHarmonixEnvironment, delivery: DeliverySettings): EnvironmentDescriptor {
  const descriptor: EnvironmentDescriptor = {
    schemaVersion: DescriptorDocument.SCHEMA_VERSION,
    name: env.environmentName,
    kind: env.kind,
    account: env.account,
    region: env.region,
    stage: delivery.stage,
    requireApproval: delivery.requireApproval,
    description: delivery.description,
    kmsKeyArn: env.kmsKey.keyArn,
    auditTableName: env.auditTable.tableName,
    auditTableArn: env.auditTable.tableArn,
    auditWriterUrl: env.auditWriterUrl,
    provisioningRoleArn: env.provisioningRole.roleArn,
    operationsRoleArn: env.operationsRole.roleArn,
    cdkBootstrapQualifier: env.cdkBootstrapQualifier,
    logGroupPrefix: env.logGroupPrefix,
    retainData: env.retainData,
    appDeployPolicyArns: env.appDeployPolicyArns,
    appBoundaryArn: env.appBoundary?.managedPolicyArn,
    network: env.vpc && describeNetwork(env.vpc),
    ecs: env.ecs && describeEcsRuntime(env.ecs),
    serverless: env.serverless && describeServerlessRuntime(env.serverless),
    eks: env.eks && describeEksRuntime(env.eks, delivery.eksNamespaces),
  };
  checkRuntimeSlices(descriptor, (field, problem) => {
    throw new Error(`${env.node.path}: a ${env.kind} environment's \`${field}\` must be ${problem}.`);
  });
  return descriptor;
}

/** A kind carries its own runtime slice (and network, where it needs one) and no other. */
function checkRuntimeSlices(descriptor: EnvironmentDescriptor, fail: (field: string, problem: string) => never): void {
  const expected = KIND_RUNTIMES[descriptor.kind];
  if (expected.needsNetwork && !descriptor.network) {
    fail('network', `present for ${descriptor.kind} environments`);
  }
  for (const slice of RUNTIME_SLICES) {
    if (slice === expected.runtime && !descriptor[slice]) {
      fail(slice, `present for ${descriptor.kind} environments`);
    }
    if (slice !== expected.runtime && descriptor[slice]) {
      fail(slice, `absent for ${descriptor.kind} environments (it belongs to another kind)`);
    }
  }
}

/** Accepts this major version at any minor, and version 1 as written before minors (`1`). */
function checkSchemaVersion(where: string, r: DescriptorReader, version: unknown): void {
  let major: number | undefined;
  if (version === 1) {
    major = 1;
  } else if (typeof version === 'string' && /^\d+\.\d+$/.test(version)) {
    major = Number(version.split('.')[0]);
  } else {
    r.fail('schemaVersion', 'a version such as "1.1"');
  }
  if (major !== SCHEMA.major) {
    throw new Error(`${where}: the environment descriptor has schema version ${String(version)}, but this version of harmonix-cdk reads schema ${SCHEMA.major}.x (up to ${DescriptorDocument.SCHEMA_VERSION}); `
      + (major! > SCHEMA.major ? `upgrade harmonix-cdk to a release that reads schema ${major}.` : 'write the descriptor again with a current harmonix-cdk.'));
  }
}

/**
 * Every leaf of a descriptor as [OutputId, value]: lists of values joined with commas, lists of
 * objects and lazy values (resolved at synthesis) as JSON text, written by `toJson`.
 */
export function descriptorOutputs(descriptor: EnvironmentDescriptor, toJson: (value: unknown) => string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) {
      return;
    }
    if (Tokenization.isResolvable(value) || (Array.isArray(value) && value.some(v => typeof v === 'object'))) {
      out.push([prefix, toJson(value)]);
    } else if (Array.isArray(value)) {
      out.push([prefix, value.map(v => String(v)).join(',')]);
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value as object)) {
        visit(prefix + key.charAt(0).toUpperCase() + key.slice(1), child);
      }
    } else {
      out.push([prefix, String(value)]);
    }
  };
  visit('', descriptor);
  return out;
}
