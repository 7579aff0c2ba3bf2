import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployedEnvironment, deployEnvironment, ENVIRONMENTS } from './scenarios';
import { EcsEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, testStack } from '../fixtures/app';
import { decide, Policy, ProofRequest } from '../fixtures/iam-proof';
import { pythonTool } from '../fixtures/python-tools';

const DEV_TAG = { 'aws:ResourceTag/harmonix:environment': 'dev' };
const QA_TAG = { 'aws:ResourceTag/harmonix:environment': 'qa' };
const REQUEST_DEV = { 'aws:RequestTag/harmonix:environment': 'dev', 'aws:TagKeys': ['harmonix:environment'] };

describe('the execution policies deny what app stacks must not do', () => {
  let e: DeployedEnvironment;
  beforeAll(() => { e = ENVIRONMENTS.ecsShared(); });
  const account = '111111111111';
  const run = (request: ProofRequest, boundary?: Policy) => decide(request, account, e.executionPolicies, boundary);
  const boundaryArn = () => e.descriptor.appBoundaryArn!;

  test('roles: only under the environment path, only with its boundary, and the boundary stays', async () => {
    const role = `arn:aws:iam::${account}:role/harmonix/dev/AppStack-TaskRole-1A2B`;
    expect(await run({ action: 'iam:CreateRole', resource: role, context: { 'iam:PermissionsBoundary': boundaryArn() } })).toBe('Allowed');
    expect(await run({ action: 'iam:CreateRole', resource: role, context: {} })).toBe('ExplicitlyDenied');
    expect(await run({ action: 'iam:CreateRole', resource: role, context: { 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/harmonix-qa-app-boundary` } }))
      .toBe('ExplicitlyDenied');
    expect(await run({ action: 'iam:PutRolePolicy', resource: role, context: {} })).toBe('ImplicitlyDenied');
    expect(await run({ action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/admin`, context: { 'iam:PermissionsBoundary': boundaryArn() } }))
      .toBe('ImplicitlyDenied');
    expect(await run({ action: 'iam:DeleteRolePermissionsBoundary', resource: role, context: {} })).toBe('ExplicitlyDenied');
    expect(await run({ action: 'iam:CreatePolicyVersion', resource: boundaryArn(), context: {} })).toBe('ExplicitlyDenied');
    expect(await run({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } })).toBe('ImplicitlyDenied');
  });

  test('resource types outside the application constructs', async () => {
    for (const [action, resource] of [
      ['dynamodb:CreateTable', `arn:aws:dynamodb:eu-west-1:${account}:table/orders`],
      ['ec2:RunInstances', `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`],
      ['iam:CreateUser', `arn:aws:iam::${account}:user/deployer`],
      ['sns:CreateTopic', `arn:aws:sns:eu-west-1:${account}:shadow`],
      ['s3:PutBucketAcl', 'arn:aws:s3:::harmonix-dev-0123456789abcdef'],
    ]) {
      expect([action, await run({ action, resource, context: REQUEST_DEV })]).toEqual([action, 'ImplicitlyDenied']);
    }
  });

  test('another environment\'s resources', async () => {
    const cases: ProofRequest[] = [
      { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/harmonix/qa/orders`, context: REQUEST_DEV },
      // A database's PostgreSQL log group is named by RDS: it is this environment's by its tag only.
      { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/aws/rds/cluster/qa-db/postgresql`, context: { ...REQUEST_DEV, 'aws:RequestTag/harmonix:environment': 'qa' } },
      { action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/aws/rds/cluster/qa-db/postgresql`, context: QA_TAG },
      { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/aws/rds/cluster/dev-db/error`, context: REQUEST_DEV },
      { action: 'ecs:CreateService', resource: `arn:aws:ecs:eu-west-1:${account}:service/harmonix-qa/orders`, context: REQUEST_DEV },
      { action: 'ecs:RegisterTaskDefinition', resource: `arn:aws:ecs:eu-west-1:${account}:task-definition/harmonix-qa-orders:1`, context: REQUEST_DEV },
      { action: 'ssm:PutParameter', resource: `arn:aws:ssm:eu-west-1:${account}:parameter/harmonix/apps/orders/qa/url`, context: REQUEST_DEV },
      { action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:eu-west-1:${account}:function:QaStack-Api-1A2B`, context: QA_TAG },
      { action: 'rds:DeleteDBCluster', resource: `arn:aws:rds:eu-west-1:${account}:cluster:qa-db`, context: QA_TAG },
      { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:eu-west-1:${account}:secret:qa-db-AbCdEf`, context: QA_TAG },
      { action: 'elasticloadbalancing:CreateRule', resource: `arn:aws:elasticloadbalancing:eu-west-1:${account}:listener/app/qa-lb/0123456789abcdef/fedcba9876543210`, context: REQUEST_DEV },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/harmonix/qa/AppStack-TaskRole-1A2B`, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { action: 'kms:Decrypt', resource: `arn:aws:kms:eu-west-1:${account}:key/00000000-0000-4000-8000-000000000000`, context: {} },
      // A bucket of environment "dev-2", whose name starts like dev's, and one of nobody's.
      { action: 's3:CreateBucket', resource: 'arn:aws:s3:::harmonix-dev-2-0123456789abcdef', context: REQUEST_DEV },
      { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1', context: {} },
    ];
    for (const request of cases) {
      expect([request.action, await run(request)]).toEqual([request.action, 'ImplicitlyDenied']);
    }
    // The same calls on this environment's resources go through.
    expect(await run({ action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/harmonix/dev/orders`, context: REQUEST_DEV })).toBe('Allowed');
    expect(await run({ action: 'rds:DeleteDBCluster', resource: `arn:aws:rds:eu-west-1:${account}:cluster:dev-db`, context: DEV_TAG })).toBe('Allowed');
    expect(await run({ action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/aws/rds/cluster/dev-db/postgresql`, context: REQUEST_DEV })).toBe('Allowed');
    expect(await run({ action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/aws/rds/cluster/dev-db/postgresql`, context: DEV_TAG })).toBe('Allowed');
    expect(await run({ action: 's3:CreateBucket', resource: 'arn:aws:s3:::harmonix-dev-0123456789abcdef', context: REQUEST_DEV })).toBe('Allowed');
  });

  test('Cloud Map tagging, which names no resource, never moves a service into this environment', async () => {
    // Another environment's service, re-tagged as dev, would fall under dev's tag-scoped statements.
    const retag = { 'aws:RequestTag/harmonix:environment': 'dev', 'aws:TagKeys': ['harmonix:environment'] };
    expect(await run({ action: 'servicediscovery:TagResource', resource: '*', context: retag })).toBe('ExplicitlyDenied');
    expect(await run({ action: 'servicediscovery:TagResource', resource: '*', context: { ...retag, 'aws:TagKeys': ['harmonix:environment', 'harmonix:app'] } }))
      .toBe('ExplicitlyDenied');
    expect(await run({ action: 'servicediscovery:UntagResource', resource: '*', context: { 'aws:TagKeys': ['harmonix:environment'] } })).toBe('ExplicitlyDenied');
    // Other keys may change; the environment tag comes with CreateService, in dev's namespace only.
    expect(await run({ action: 'servicediscovery:TagResource', resource: '*', context: { 'aws:TagKeys': ['harmonix:app'] } })).toBe('Allowed');
    const service = `arn:aws:servicediscovery:eu-west-1:${account}:service/srv-0123456789abcdef`;
    const namespace = e.descriptor.ecs!.namespaceArn;
    expect(await run({ action: 'servicediscovery:CreateService', resource: service, context: { ...REQUEST_DEV, 'servicediscovery:NamespaceArn': namespace } }))
      .toBe('Allowed');
    expect(await run({
      action: 'servicediscovery:CreateService',
      resource: service,
      context: { 'aws:RequestTag/harmonix:environment': 'qa', 'aws:TagKeys': ['harmonix:environment'], 'servicediscovery:NamespaceArn': namespace },
    })).toBe('ImplicitlyDenied');
    expect(await run({
      action: 'servicediscovery:CreateService',
      resource: service,
      context: { ...REQUEST_DEV, 'servicediscovery:NamespaceArn': `arn:aws:servicediscovery:eu-west-1:${account}:namespace/ns-qa` },
    })).toBe('ImplicitlyDenied');
  });

  test('no call that IAM cannot scope to the environment: task definitions are never deregistered', async () => {
    // IAM authorizes it against "*" only, so allowing it would reach every environment's families.
    expect(await run({ action: 'ecs:DeregisterTaskDefinition', resource: '*', context: {} })).toBe('ImplicitlyDenied');
    const unscoped = e.executionPolicies.flatMap(p => p.Statement as any[])
      .filter(st => st.Effect === 'Allow' && [st.Resource].flat().includes('*') && !st.Condition)
      .flatMap(st => [st.Action].flat())
      .filter((a: string) => !/:(Describe|List|Get)\w*$/.test(a) && a !== 'secretsmanager:GetRandomPassword');
    expect(unscoped).toEqual([]);
  });

  test('the boundary caps app roles: their data and runtime, nothing else', async () => {
    const anything: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const app = (request: ProofRequest) => decide(request, account, [anything], e.boundary, request.action.startsWith('kms:') ? e.keyPolicy : undefined);
    const allowed: ProofRequest[] = [
      { action: 'logs:PutLogEvents', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/harmonix/dev/orders:log-stream:orders/app/1`, context: {} },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::harmonix-dev-0123456789abcdef/invoice.pdf', context: {} },
      { action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-west-1:${account}:AppStack-JobsQueue-1A2B`, context: DEV_TAG },
      { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:eu-west-1:${account}:secret:DbSecret-AbCdEf`, context: DEV_TAG },
      { action: 'rds-db:connect', resource: `arn:aws:rds-db:eu-west-1:${account}:dbuser:cluster-ABC/orders`, context: {} },
      { action: 'kms:Decrypt', resource: e.descriptor.kmsKeyArn, context: {} },
      // An image in the platform account's repository.
      { action: 'ecr:BatchGetImage', resource: 'arn:aws:ecr:eu-west-1:222222222222:repository/shop/orders', context: {} },
    ];
    for (const request of allowed) {
      expect([request.action, await app(request)]).toEqual([request.action, 'Allowed']);
    }
    const denied: ProofRequest[] = [
      { action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/x`, context: {} },
      { action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-west-1:${account}:QaQueue`, context: QA_TAG },
      { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:eu-west-1:${account}:secret:QaSecret-AbCdEf`, context: QA_TAG },
      { action: 'dynamodb:Scan', resource: `arn:aws:dynamodb:eu-west-1:${account}:table/audit`, context: {} },
      { action: 'logs:PutLogEvents', resource: `arn:aws:logs:eu-west-1:${account}:log-group:/harmonix/qa/orders:log-stream:x`, context: {} },
      { action: 's3:PutBucketAcl', resource: 'arn:aws:s3:::harmonix-dev-0123456789abcdef', context: {} },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1/app.zip', context: {} },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::harmonix-dev-2-0123456789abcdef/x', context: {} },
    ];
    for (const request of denied) {
      expect([request.action, await app(request)]).toEqual([request.action, 'ImplicitlyDenied']);
    }
  });
});

/**
 * parliament findings we accept, each for a reason. Its data disagrees with AWS's service
 * authorization reference (which iam-simulate uses above) on three points, and one finding names
 * a capability the execution policy must have.
 */
const PARLIAMENT_ACCEPTED: Array<[string, RegExp, string]> = [
  ['RESOURCE_MISMATCH', /elasticloadbalancing:\w+.*listener(-rule)?\/net\//,
    'parliament wants the network load balancer forms of listeners and rules as well; the apps use application load balancers only'],
  ['RESOURCE_MISMATCH', /rds:CreateDB(Cluster)?Snapshot/,
    'parliament wants the source and the snapshot in one statement; the source is tag-checked in one, the generated snapshot name allowed in another'],
  ['UNKNOWN_CONDITION_FOR_ACTION', /lambda:InvokedViaFunctionUrl/, 'a condition key AWS added in 2024, newer than parliament\'s data'],
  ['RESOURCE_POLICY_PRIVILEGE_ESCALATION', /arn:aws:s3:::harmonix-dev-\?{16}/,
    'CloudFormation writes the bucket policies of app buckets (TLS only, log delivery); the statement is limited to the environment\'s app buckets'],
];

/** IAM's limit on a managed policy document: 6,144 characters, whitespace not counted. */
const MANAGED_POLICY_LIMIT = 6144;

describe('EKS: app stacks apply Kubernetes objects through the apps\' kubectl handler, never through aws-eks-v2\'s cluster admin', () => {
  test('invoking the apps\' handler is allowed, invoking the cluster admin handler is denied though it carries the environment tag', async () => {
    const e = ENVIRONMENTS.eks();
    const statements = e.executionPolicies.flatMap(p => p.Statement as Array<Record<string, any>>);
    const admin = statements.find(st => st.Sid === 'NeverThroughTheClusterAdminHandler')!.Resource as string;
    const appHandler = e.descriptor.eks!.appKubectlServiceToken!;
    expect(admin).toMatch(/^arn:aws:lambda:eu-west-1:111111111111:function:/);
    expect(admin).not.toBe(appHandler);
    const invoke = (resource: string) => decide({ action: 'lambda:InvokeFunction', resource, context: DEV_TAG }, '111111111111', e.executionPolicies);
    expect(await invoke(appHandler)).toBe('Allowed');
    expect(await invoke(admin)).toBe('ExplicitlyDenied');
  });
});

describe('the policies as AWS takes them', () => {
  const stack = testStack();
  new EcsEnvironment(stack, 'Dev', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
  const template = Template.fromStack(stack);
  const deployed = deployEnvironment('ECS, shared load balancer', s => new EcsEnvironment(s, 'Env', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } })));

  test('execution policies and a boundary, named for the environment, each within the managed policy size limit', () => {
    const names = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((p: any) => p.Properties.ManagedPolicyName).sort();
    expect(names).toEqual(['harmonix-dev-app-boundary', 'harmonix-dev-app-deploy', 'harmonix-dev-app-deploy-data', 'harmonix-dev-app-deploy-functions',
      'harmonix-dev-app-deploy-iam', 'harmonix-dev-app-deploy-network']);
    const sizes = [...deployed.executionPolicies, deployed.boundary].map(policy => JSON.stringify(policy).replace(/\s/g, '').length);
    expect(sizes.filter(size => size > MANAGED_POLICY_LIMIT)).toEqual([]);
    const actions = [...deployed.executionPolicies, deployed.boundary].flatMap(p => (p.Statement as any[]).flatMap(s => [s.Action].flat()));
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('parliament finds nothing above LOW in the execution policies, the boundary and the environment roles', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-parliament-'));
    const documents: Array<[string, unknown]> = [
      ...deployed.executionPolicies.map((p, i) => [`execution-${i}`, p] as [string, unknown]),
      ['boundary', deployed.boundary],
      ...deployed.rolePolicies.map((p, i) => [`role-${i}`, p] as [string, unknown]),
    ];
    const files = documents.map(([name, doc]) => {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      return file;
    });
    const result = spawnSync(pythonTool('parliament'), ['--files', files.join(','), '--json', '--minimum_severity', 'MEDIUM'], { encoding: 'utf8' });
    // parliament prints one JSON finding per line and exits 1 when it found any.
    expect(result.stderr).toBe('');
    const findings = result.stdout.trim().split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
    const unaccepted = findings.filter(f =>
      !PARLIAMENT_ACCEPTED.some(([issue, detail]) => f.issue === issue && detail.test(JSON.stringify(f.detail))));
    expect(unaccepted.map(f => `${f.severity} ${f.issue} ${f.title}: ${JSON.stringify(f.detail)}`)).toEqual([]);
    expect(findings.every(f => ['MEDIUM'].includes(f.severity))).toBe(true);
  }, 120_000);
});
