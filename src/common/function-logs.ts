import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';

/** Where the logs of functions that aws-cdk-lib builds go. */
export interface FunctionLogOptions {
  /** Start of each log group's name; the function's path under the searched scope follows. */
  readonly namePrefix: string;
  /** Encrypts the log groups; its policy must let CloudWatch Logs use it for `namePrefix`. */
  readonly key: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Sends the logs of every Lambda function under `functions` (aws-cdk-lib's handlers and
 * providers, whose props take no log group) to a log group of its own, created in `owner` with
 * the key and the retention: `<namePrefix><path>`, the function's path under `functions` in lower
 * case (`handler`, `provider/framework-onevent`). The log group aws-cdk-lib creates for a
 * function under `@aws-cdk/aws-lambda:useCdkManagedLogGroup`, unencrypted and then unused, is
 * dropped. Returns the log groups.
 */
export function routeFunctionLogs(owner: Construct, id: string, functions: IConstruct, o: FunctionLogOptions): logs.LogGroup[] {
  const groups: logs.LogGroup[] = [];
  for (const node of functions.node.findAll()) {
    const cfn = functionResource(node);
    if (!cfn) continue;
    const path = node.node.path.substring(functions.node.path.length + 1);
    const logGroup = new logs.LogGroup(owner, `${id}${path.replace(/[^A-Za-z0-9]/g, '')}`, {
      logGroupName: `${o.namePrefix}${path.toLowerCase().replace(/[^a-z0-9/_.-]/g, '-')}`,
      retention: o.retention,
      encryptionKey: o.key,
      removalPolicy: o.removalPolicy,
    });
    cfn.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    if (node instanceof lambda.Function) {
      const managed = node.node.tryFindChild('LogGroup');
      if (managed instanceof logs.LogGroup) {
        node.node.tryRemoveChild('LogGroup');
      }
    }
    groups.push(logGroup);
  }
  return groups;
}

/** The function resource of a Lambda function construct, or of a custom resource provider's handler. */
function functionResource(node: IConstruct): CfnResource | undefined {
  if (node instanceof lambda.Function) {
    return node.node.defaultChild as lambda.CfnFunction;
  }
  // Custom resource providers of aws-cdk-lib write their handler as a plain CfnResource.
  const handler = CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::Lambda::Function' && !(node instanceof lambda.CfnFunction);
  return handler ? node as CfnResource : undefined;
}

/** The custom resource providers aws-cdk-lib adds once per stack for features the library uses. */
const STACK_PROVIDERS: Record<string, string> = {
  'Custom::VpcRestrictDefaultSGCustomResourceProvider': 'vpc-default-security-group',
  'Custom::S3AutoDeleteObjectsCustomResourceProvider': 's3-auto-delete-objects',
};

/** Providers whose logs are routed already. */
const routedProviders = new WeakSet<IConstruct>();

/**
 * Routes the logs of aws-cdk-lib's per-stack custom resource providers present in `owner`'s stack
 * (the VPC's default security group lock-down, bucket auto-delete) that no construct routed yet,
 * to log groups of `owner`: `<namePrefix><provider>/handler`. Call it at the end of a
 * constructor, once its VPC and buckets exist.
 */
export function routeStackProviderLogs(owner: Construct, o: FunctionLogOptions): void {
  const stack = Stack.of(owner);
  for (const [providerId, name] of Object.entries(STACK_PROVIDERS)) {
    const provider = stack.node.tryFindChild(providerId);
    if (!provider || routedProviders.has(provider)) continue;
    routedProviders.add(provider);
    routeFunctionLogs(owner, `ProviderLogs${name.replace(/-/g, '')}`, provider, { ...o, namePrefix: `${o.namePrefix}${name}/` });
  }
}
