import { EnvironmentDescriptor } from './descriptor';
import { isAwsRegion, isShortName, KUBERNETES_NAME } from '../common/validation';
import { isDnsName } from '../common/web-names';

/** Reports one field whose value is present but not of the form it must have. */
export type ValueFailure = (field: string, value: unknown, allowed: string) => never;

/** What an ARN field must be: its service, whether it names the region, and its resource part. */
interface ArnForm {
  readonly service: string;
  /** IAM and S3 ARNs name no region (and S3 no account). */
  readonly regional: boolean;
  readonly account?: boolean;
  readonly resource: RegExp;
  readonly example: string;
}

const IAM_ROLE: ArnForm = { service: 'iam', regional: false, resource: /^role\/[\w+=,.@/-]{1,512}$/, example: 'role/harmonix-dev-provisioning' };
const IAM_POLICY: ArnForm = { service: 'iam', regional: false, resource: /^policy\/[\w+=,.@/-]{1,512}$/, example: 'policy/harmonix-dev-app-deploy' };
const ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-z]{1,32}$`);
const HTTPS_URL = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w\-./%~]*)?$/i;
const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/[\w\-./%~]*)?$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/**
 * Checks the values of a descriptor's fields beyond their presence and type: the account is 12
 * digits, the region a region name, every ARN of its form and in the descriptor's own account
 * (and region, where the service has one), names and ids of the forms AWS gives them. A
 * descriptor edited by hand, or of another environment spliced in, is refused before any
 * construct or pipeline relies on it.
 */
export function checkDescriptorValues(d: EnvironmentDescriptor, fail: ValueFailure): void {
  if (!isShortName(d.name)) {
    fail('name', d.name, '2 to 32 lower-case letters, digits and single hyphens, starting with a letter (the environment name)');
  }
  if (!/^\d{12}$/.test(d.account)) {
    fail('account', d.account, 'an AWS account id of 12 digits');
  }
  if (!isAwsRegion(d.region)) {
    fail('region', d.region, 'an AWS region name such as "eu-west-1"');
  }
  const partition = /^arn:(aws[a-z-]*):/.exec(d.kmsKeyArn)?.[1] ?? 'aws';
  const arn = (field: string, value: string | undefined, form: ArnForm): string[] => {
    if (value === undefined) return [];
    const parts = value.split(':');
    const [prefix, part, service, region, account] = parts;
    const resource = parts.slice(5).join(':');
    const wantRegion = form.regional ? d.region : '';
    const wantAccount = form.account === false ? '' : d.account;
    if (prefix !== 'arn' || parts.length < 6 || service !== form.service || !form.resource.test(resource)) {
      fail(field, value, `an ${form.service} ARN such as "arn:${partition}:${form.service}:${wantRegion}:${wantAccount}:${form.example}"`);
    }
    if (part !== partition) {
      fail(field, value, `an ARN of the partition ${partition}, as the environment's other ARNs`);
    }
    if (account !== wantAccount) {
      fail(field, value, wantAccount ? `an ARN in the environment's account ${d.account}` : 'an ARN without an account');
    }
    if (region !== wantRegion) {
      fail(field, value, wantRegion ? `an ARN in the environment's region ${d.region}` : 'an ARN without a region');
    }
    return resource.split(/[/:]/);
  };
  const id = (field: string, value: string | undefined, prefix: string) => {
    if (value !== undefined && !ID(prefix).test(value)) {
      fail(field, value, `an id such as "${prefix}-0123456789abcdef0"`);
    }
  };
  const matches = (field: string, value: string | undefined, pattern: RegExp, allowed: string) => {
    if (value !== undefined && !pattern.test(value)) fail(field, value, allowed);
  };
  // DNS is case-insensitive: load balancer names keep their capitals in their DNS names.
  const dnsName = (field: string, value: string, allowed: string) => {
    if (!isDnsName(value.toLowerCase())) fail(field, value, allowed);
  };

  arn('kmsKeyArn', d.kmsKeyArn, { service: 'kms', regional: true, resource: /^key\/(mrk-)?[0-9a-f-]{32,36}$/, example: 'key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  matches('auditTableName', d.auditTableName, /^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name of 3 to 255 letters, digits, "_", "." and "-"');
  const [, table] = arn('auditTableArn', d.auditTableArn, { service: 'dynamodb', regional: true, resource: /^table\/[A-Za-z0-9_.-]{3,255}$/, example: 'table/harmonix-dev-audit' });
  if (table !== d.auditTableName) {
    fail('auditTableArn', d.auditTableArn, `the ARN of the audit table the descriptor names, ${d.auditTableName}`);
  }
  // The audit writer is a function URL (https); plain http only to this machine, for local tests.
  matches('auditWriterUrl', d.auditWriterUrl, new RegExp(`${HTTPS_URL.source}|${LOOPBACK_URL.source}`, 'i'),
    'an https:// URL (the audit writer\'s function URL), or http:// to 127.0.0.1 or localhost for a local test server');
  arn('provisioningRoleArn', d.provisioningRoleArn, IAM_ROLE);
  arn('operationsRoleArn', d.operationsRoleArn, IAM_ROLE);
  matches('cdkBootstrapQualifier', d.cdkBootstrapQualifier, /^[A-Za-z0-9_-]{1,10}$/, 'a CDK bootstrap qualifier of 1 to 10 letters, digits, "_" and "-"');
  matches('logGroupPrefix', d.logGroupPrefix, /^\/[A-Za-z0-9_\-./#]{1,500}$/, 'a CloudWatch Logs group prefix starting with "/"');
  (d.appDeployPolicyArns ?? []).forEach((policy, i) => arn(`appDeployPolicyArns[${i}]`, policy, IAM_POLICY));
  arn('appBoundaryArn', d.appBoundaryArn, IAM_POLICY);
  if (d.description.length > 1024) {
    fail('description', `${d.description.slice(0, 40)}...`, 'a description of at most 1024 characters');
  }

  const n = d.network;
  if (n) {
    id('network.vpcId', n.vpcId, 'vpc');
    matches('network.vpcCidrBlock', n.vpcCidrBlock, CIDR, 'an IPv4 CIDR block such as "10.0.0.0/16"');
    n.availabilityZones.forEach((zone, i) => matches(`network.availabilityZones[${i}]`, zone, new RegExp(`^${d.region}[a-z]$`), `a zone of the environment's region ${d.region}, such as "${d.region}a"`));
    for (const key of ['publicSubnetIds', 'privateSubnetIds', 'isolatedSubnetIds'] as const) {
      (n[key] ?? []).forEach((subnet, i) => id(`network.${key}[${i}]`, subnet, 'subnet'));
    }
    for (const key of ['publicSubnetRouteTableIds', 'privateSubnetRouteTableIds', 'isolatedSubnetRouteTableIds'] as const) {
      (n[key] ?? []).forEach((routeTable, i) => id(`network.${key}[${i}]`, routeTable, 'rtb'));
    }
    (n.publicSubnetCidrs ?? []).forEach((cidr, i) => matches(`network.publicSubnetCidrs[${i}]`, cidr, CIDR, 'an IPv4 CIDR block such as "10.0.0.0/24"'));
  }

  const ecs = d.ecs;
  if (ecs) {
    matches('ecs.clusterName', ecs.clusterName, /^[A-Za-z0-9_-]{1,255}$/, 'an ECS cluster name of letters, digits, "_" and "-"');
    const [, cluster] = arn('ecs.clusterArn', ecs.clusterArn, { service: 'ecs', regional: true, resource: /^cluster\/[A-Za-z0-9_-]{1,255}$/, example: 'cluster/harmonix-dev' });
    if (cluster !== ecs.clusterName) fail('ecs.clusterArn', ecs.clusterArn, `the ARN of the cluster the descriptor names, ${ecs.clusterName}`);
    dnsName('ecs.namespaceName', ecs.namespaceName, 'a DNS name such as "dev.internal"');
    matches('ecs.namespaceId', ecs.namespaceId, /^ns-[a-z0-9]{8,32}$/, 'a Cloud Map namespace id such as "ns-0123456789abcdef"');
    const [, namespace] = arn('ecs.namespaceArn', ecs.namespaceArn, { service: 'servicediscovery', regional: true, resource: /^namespace\/ns-[a-z0-9]{8,32}$/, example: 'namespace/ns-0123456789abcdef' });
    if (namespace !== ecs.namespaceId) fail('ecs.namespaceArn', ecs.namespaceArn, `the ARN of the namespace the descriptor names, ${ecs.namespaceId}`);
    const lb = ecs.sharedLoadBalancer;
    if (lb) {
      const lbForm = /^loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
      const [, , lbName, lbId] = arn('ecs.sharedLoadBalancer.loadBalancerArn', lb.loadBalancerArn,
        { service: 'elasticloadbalancing', regional: true, resource: lbForm, example: 'loadbalancer/app/dev-shared/0123456789abcdef' });
      const [, , listenerLb, listenerLbId] = arn('ecs.sharedLoadBalancer.httpsListenerArn', lb.httpsListenerArn,
        { service: 'elasticloadbalancing', regional: true, resource: /^listener\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}$/, example: 'listener/app/dev-shared/0123456789abcdef/fedcba9876543210' });
      if (listenerLb !== lbName || listenerLbId !== lbId) {
        fail('ecs.sharedLoadBalancer.httpsListenerArn', lb.httpsListenerArn, `a listener of the load balancer the descriptor names, ${lb.loadBalancerArn}`);
      }
      dnsName('ecs.sharedLoadBalancer.dnsName', lb.dnsName, 'the load balancer\'s DNS name');
      matches('ecs.sharedLoadBalancer.canonicalHostedZoneId', lb.canonicalHostedZoneId, /^Z[A-Z0-9]{4,31}$/, 'a Route 53 hosted zone id such as "Z32O12XQLNTSW2"');
      id('ecs.sharedLoadBalancer.securityGroupId', lb.securityGroupId, 'sg');
    }
  }

  const serverless = d.serverless;
  if (serverless) {
    matches('serverless.artifactBucketName', serverless.artifactBucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name of 3 to 63 lower-case letters, digits, "." and "-"');
    const [bucket] = arn('serverless.artifactBucketArn', serverless.artifactBucketArn,
      { service: 's3', regional: false, account: false, resource: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, example: 'harmonix-dev-artifacts' });
    if (bucket !== serverless.artifactBucketName) {
      fail('serverless.artifactBucketArn', serverless.artifactBucketArn, `the ARN of the bucket the descriptor names, ${serverless.artifactBucketName}`);
    }
    id('serverless.functionSecurityGroupId', serverless.functionSecurityGroupId, 'sg');
  }

  const eks = d.eks;
  if (eks) {
    matches('eks.clusterName', eks.clusterName, /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name of letters, digits, "_" and "-"');
    const [, cluster] = arn('eks.clusterArn', eks.clusterArn, { service: 'eks', regional: true, resource: /^cluster\/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, example: 'cluster/harmonix-staging' });
    if (cluster !== eks.clusterName) fail('eks.clusterArn', eks.clusterArn, `the ARN of the cluster the descriptor names, ${eks.clusterName}`);
    matches('eks.clusterEndpoint', eks.clusterEndpoint, HTTPS_URL, 'the cluster\'s https:// endpoint');
    id('eks.clusterSecurityGroupId', eks.clusterSecurityGroupId, 'sg');
    matches('eks.kubernetesVersion', eks.kubernetesVersion, /^1\.\d{1,3}$/, 'a Kubernetes minor version such as "1.35"');
    matches('eks.oidcIssuer', eks.oidcIssuer, HTTPS_URL, 'the cluster\'s https:// OIDC issuer');
    const seen = new Set<string>();
    eks.namespaces.forEach((ns, i) => {
      matches(`eks.namespaces[${i}].name`, ns.name, KUBERNETES_NAME, 'a Kubernetes namespace name (a DNS label of at most 63 characters)');
      if (seen.has(ns.name)) fail(`eks.namespaces[${i}].name`, ns.name, 'a namespace named once');
      seen.add(ns.name);
      matches(`eks.namespaces[${i}].serviceAccountName`, ns.serviceAccountName, /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a Kubernetes service account name');
      arn(`eks.namespaces[${i}].roleArn`, ns.roleArn, IAM_ROLE);
    });
    arn('eks.appKubectlServiceToken', eks.appKubectlServiceToken,
      { service: 'lambda', regional: true, resource: /^function:[A-Za-z0-9_-]{1,64}$/, example: 'function:harmonix-staging-kubectl-apps' });
    (eks.nodeArchitectures ?? []).forEach((architecture, i) =>
      matches(`eks.nodeArchitectures[${i}]`, architecture, /^(arm64|amd64)$/, 'a node architecture as Kubernetes names it, "arm64" or "amd64"'));
  }
}
