import { Aspects, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * One accepted validation finding and why: a cdk-nag rule id (with its `[finding]` part if
 * any), or another validation plugin's `Prefix::Rule` id.
 */
export interface NagAcceptance {
  readonly id: string;
  readonly reason: string;
}

/** Shortest reason we accept: anything shorter does not explain itself. */
const MIN_REASON_LENGTH = 40;

/**
 * Accepts validation findings on one construct (and its children), with a reason for each.
 *
 * cdk-nag 3 runs as an aws-cdk-lib policy-validation plugin and honours aws-cdk-lib
 * acknowledgements, so the library records them without a run-time dependency on cdk-nag.
 */
export function acceptFindings(scope: IConstruct, ...findings: NagAcceptance[]): void {
  for (const finding of findings) {
    if (finding.reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`${scope.node.path}: the reason for accepting ${finding.id} is too short to explain anything.`);
    }
  }
  for (const finding of findings) {
    if (/\[.*::.*\]$/.test(finding.id)) {
      // Findings of one resource or policy (`AwsSolutions-IAM5[Resource::...]`) hold '::', which
      // aws-cdk-lib's acknowledge() refuses as a plugin prefix. Record them exactly as it
      // records an acknowledgement, under its public metadata key, which cdk-nag reads.
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`Annotation::${finding.id}`]: finding.reason });
    } else {
      Validations.of(scope).acknowledge(finding);
    }
  }
}

/**
 * aws-cdk-lib implements some features (default security group lock-down, bucket auto-delete)
 * with one custom resource provider per stack; its role uses AWS's basic Lambda execution
 * policy by aws-cdk-lib's design. Accepts that finding on that provider only, if present.
 */
export function acceptStackProviderFindings(scope: IConstruct, providerId: string, purpose: string): void {
  const stack = Stack.of(scope);
  const accepted = providersWithAcceptance.get(stack) ?? new Set<string>();
  providersWithAcceptance.set(stack, accepted);
  if (accepted.has(providerId)) {
    return;
  }
  accepted.add(providerId);
  // The provider may not exist yet (aws-cdk-lib creates it with its first user): look at synthesis.
  Aspects.of(stack).add({
    visit: node => {
      if (node.node.scope === stack && node.node.id === providerId) {
        acceptFindings(node, {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: `aws-cdk-lib custom resource provider that ${purpose}; it only needs to write its own logs.`,
        });
      }
    },
  });
}
const providersWithAcceptance = new WeakMap<Stack, Set<string>>();

/**
 * The id cdk-nag gives the IAM5 finding for one wildcard resource of a policy statement, for
 * example `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:...:log-group:/harmonix/dev/*]`.
 * References are written as cdk-nag writes them: `<Ref>` and `<LogicalId.Attribute>`.
 */
export function wildcardResourceFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(resource))}]`;
}

/** True when a resource of a policy statement holds a `*` once its references are written out. */
export function hasWildcard(scope: IConstruct, resource: string): boolean {
  return flattenReference(Stack.of(scope).resolve(resource)).includes('*');
}

function flattenReference(value: unknown): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v['Fn::Join']) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flattenReference).join(separator);
    }
    if (v['Fn::Sub']) {
      return flattenReference(v['Fn::Sub']);
    }
    if (v['Fn::GetAtt']) {
      const [logicalId, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(logicalId)}.${flattenReference(attribute)}>`;
    }
    if (v['Fn::ImportValue']) {
      return flattenReference(v['Fn::ImportValue']);
    }
    if (v.Ref) {
      return `<${flattenReference(v.Ref)}>`;
    }
  }
  return JSON.stringify(value);
}
