import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** How an app's image repository is made. */
export interface ImageRepositoryOptions {
  readonly repositoryName: string;
  /** The customer-managed key the images are encrypted with. */
  readonly key: kms.IKey;
  /** Images kept; older ones expire. */
  readonly maxImageCount: number;
  readonly removalPolicy: RemovalPolicy;
  /** Accounts whose principals may pull (the environments the app runs in). */
  readonly pullAccounts: string[];
}

/**
 * An app's image repository: immutable tags, scanned on push, encrypted with the given key,
 * untagged layers of interrupted pushes expiring after a day and images beyond `maxImageCount`,
 * pulled only by the given accounts (their task execution roles, by digest or tag).
 */
export function createImageRepository(scope: Construct, id: string, o: ImageRepositoryOptions): ecr.Repository {
  const stack = Stack.of(scope);
  const repository = new ecr.Repository(scope, id, {
    repositoryName: o.repositoryName,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    imageScanOnPush: true,
    encryption: ecr.RepositoryEncryption.KMS,
    encryptionKey: o.key,
    removalPolicy: o.removalPolicy,
    emptyOnDelete: o.removalPolicy === RemovalPolicy.DESTROY,
    lifecycleRules: [
      { description: 'Untagged layers of interrupted pushes', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1), rulePriority: 1 },
      { description: `Only the ${o.maxImageCount} newest images`, tagStatus: ecr.TagStatus.ANY, maxImageCount: o.maxImageCount, rulePriority: 2 },
    ],
  });
  // ECR encrypts with the key through grants it creates, as the account, when the repository is created.
  o.key.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AllowEcrGrantsFor${id}`,
    principals: [new iam.AccountRootPrincipal()],
    actions: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:RetireGrant'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': `ecr.${stack.region}.amazonaws.com`, 'kms:CallerAccount': stack.account } },
  }));
  const accounts = [...new Set(o.pullAccounts)];
  if (accounts.length > 0) {
    repository.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'PullFromTheEnvironments',
      principals: accounts.map(a => new iam.AccountPrincipal(a)),
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    }));
  }
  return repository;
}
