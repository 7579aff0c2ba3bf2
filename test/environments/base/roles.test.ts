import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EcsEnvironment, HarmonixEnvironmentBase, ServerlessEnvironment } from '../../../src';
import { BACKSTAGE_ROLE_ARN, baseProps, CERTIFICATE_ARN, EXTERNAL_ID, logicalIdOf, PIPELINE_ROLE_ARN, testStack } from '../../fixtures/app';
import { actionsOf, allIdentityStatements, renderValue, roleStatements, Statement } from '../../fixtures/iam';
import { decide, Policy } from '../../fixtures/iam-proof';

type Factory = (stack: Stack) => HarmonixEnvironmentBase;
const kinds: Array<[string, Factory]> = [
  ['EcsEnvironment', s => new EcsEnvironment(s, 'Dev', baseProps({ externalId: EXTERNAL_ID, sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }))],
  ['ServerlessEnvironment', s => new ServerlessEnvironment(s, 'Dev', baseProps({ externalId: EXTERNAL_ID, createVpc: true }))],
];

function bySid(statements: Statement[], sid: string): Statement {
  const found = statements.find(s => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${statements.map(s => s.Sid).join(', ')}`);
  return found;
}
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(r => renderValue(r));

describe.each(kinds)('%s roles', (_name, create) => {
  const stack = testStack();
  create(stack);
  const template = Template.fromStack(stack);
  const provisioningId = logicalIdOf(template, 'AWS::IAM::Role', 'DevProvisioningRole');
  const operationsId = logicalIdOf(template, 'AWS::IAM::Role', 'DevOperationsRole');

  test.each([
    ['provisioning', 'DevProvisioningRole', PIPELINE_ROLE_ARN],
    ['operations', 'DevOperationsRole', BACKSTAGE_ROLE_ARN],
  ])('the %s role trusts only the given role, behind the external id', (purpose, prefix, trusted) => {
    const role = template.findResources('AWS::IAM::Role')[logicalIdOf(template, 'AWS::IAM::Role', prefix)];
    expect(role.Properties.RoleName).toBe(`harmonix-dev-${purpose}`);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: trusted },
      Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
    }]);
  });

  test('no policy in the stack grants a wildcard action or attaches an admin policy', () => {
    const statements = allIdentityStatements(template);
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) {
        expect([statement.Sid, action]).toEqual([statement.Sid, expect.not.stringContaining('*')]);
      }
    }
    const managed = Object.values(template.findResources('AWS::IAM::Role'))
      .flatMap(r => (r.Properties.ManagedPolicyArns ?? []).map((a: unknown) => renderValue(a)));
    expect(managed.filter(a => /AdministratorAccess|PowerUserAccess|IAMFullAccess/.test(a))).toEqual([]);
  });

  test('the environment roles have no managed policies, and a resource "*" only under a condition', () => {
    for (const id of [provisioningId, operationsId]) {
      const role = template.findResources('AWS::IAM::Role')[id];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      for (const statement of roleStatements(template, id).filter(s => resourcesOf(s).includes('*'))) {
        expect([statement.Sid, Object.keys(statement.Condition ?? {}).length > 0]).toEqual([statement.Sid, true]);
      }
    }
  });

  test('Backstage may list log groups and read the results of its log queries, in this region only', () => {
    const ops = roleStatements(template, operationsId);
    expect(actionsOf(bySid(ops, 'ReadEnvironmentLogs'))).toContain('logs:StartQuery');
    const list = bySid(ops, 'ListLogGroups');
    expect([resourcesOf(list), list.Condition]).toEqual([['*'], { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }]);
    const results = bySid(ops, 'ReadLogQueryResults');
    expect([actionsOf(results), resourcesOf(results), results.Condition])
      .toEqual([['logs:GetQueryResults', 'logs:StopQuery'], ['*'], { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }]);
  });

  test('Backstage and harmonix app find an app by its tags (in this region only) and read its URL parameter of this environment, nothing else: a real IAM evaluator', async () => {
    const concrete = (r: string) => r.replace('<AWS::Partition>', 'aws').replace('<AWS::Region>', 'eu-west-1').replace('<AWS::AccountId>', '111111111111');
    const ops = roleStatements(template, operationsId).map(st => ({
      ...st,
      Resource: resourcesOf(st).map(concrete),
      ...(st.Condition ? {
        Condition: Object.fromEntries(Object.entries(st.Condition).map(([operator, keys]) => [operator,
          Object.fromEntries(Object.entries(keys as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'string' ? value : concrete(renderValue(value))]))])),
      } : {}),
    }));
    const policy: Policy = { Version: '2012-10-17', Statement: ops };
    const ask = (action: string, resource: string, context: Record<string, string> = {}) => decide({ action, resource, context }, '111111111111', [policy]);
    expect(await ask('tag:GetResources', '*', { 'aws:RequestedRegion': 'eu-west-1' })).toBe('Allowed');
    expect(await ask('tag:GetResources', '*', { 'aws:RequestedRegion': 'us-east-1' })).toBe('ImplicitlyDenied');
    expect(await ask('tag:TagResources', '*', { 'aws:RequestedRegion': 'eu-west-1' })).toBe('ImplicitlyDenied');
    const parameter = (name: string) => `arn:aws:ssm:eu-west-1:111111111111:parameter${name}`;
    expect(await ask('ssm:GetParameter', parameter('/harmonix/apps/orders/dev/url'))).toBe('Allowed');
    for (const other of ['/harmonix/apps/orders/qa/url', '/harmonix/apps/orders/image-repository', '/harmonix/apps/orders/dev/db-password']) {
      expect([other, await ask('ssm:GetParameter', parameter(other))]).toEqual([other, 'ImplicitlyDenied']);
    }
  });

  test('the provisioning role deploys only through the CDK bootstrap roles of its account and region', () => {
    const assume = bySid(roleStatements(template, provisioningId), 'AssumeCdkBootstrapRoles');
    expect(actionsOf(assume)).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(resourcesOf(assume)).toEqual(['deploy', 'file-publishing', 'image-publishing', 'lookup']
      .map(p => `arn:<AWS::Partition>:iam::111111111111:role/cdk-hnb659fds-${p}-role-111111111111-eu-west-1`));
  });

  test('both roles add audit records only through the writer URL (signed, never a direct invoke) and read the descriptor; only operations reads the audit log', () => {
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'DevAuditTable');
    const writer = `<${logicalIdOf(template, 'AWS::Lambda::Function', 'DevAuditWriterFunction')}.Arn>`;
    const prov = roleStatements(template, provisioningId);
    const ops = roleStatements(template, operationsId);
    for (const statements of [prov, ops]) {
      const url = bySid(statements, 'AddAuditRecordsThroughWriterUrl');
      expect([actionsOf(url), resourcesOf(url), url.Condition])
        .toEqual([['lambda:InvokeFunctionUrl'], [writer], { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } }]);
      const invoke = bySid(statements, 'InvokeAuditWriterOnlyViaUrl');
      expect([actionsOf(invoke), resourcesOf(invoke), invoke.Condition])
        .toEqual([['lambda:InvokeFunction'], [writer], { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }]);
    }
    expect(actionsOf(bySid(ops, 'ReadAuditRecords'))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(resourcesOf(bySid(ops, 'ReadAuditRecords'))).toEqual([`<${table}.Arn>`, `<${table}.Arn>/index/byActor`]);
    for (const statements of [prov, ops]) {
      expect(resourcesOf(bySid(statements, 'ReadEnvironmentDescriptor')))
        .toEqual(['arn:<AWS::Partition>:ssm:eu-west-1:111111111111:parameter/harmonix/environments/dev']);
      expect(resourcesOf(bySid(statements, 'UseEnvironmentKey'))).toEqual([`<${logicalIdOf(template, 'AWS::KMS::Key', 'DevKey')}.Arn>`]);
    }
  });

  test('the operations role reads only the environment log groups and stacks tagged with it', () => {
    const ops = roleStatements(template, operationsId);
    expect(resourcesOf(bySid(ops, 'ReadEnvironmentLogs'))).toEqual([
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/harmonix/dev/*',
      'arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/harmonix/dev/*:log-stream:*',
    ]);
    expect(bySid(ops, 'DescribeEnvironmentStacks').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/harmonix:environment': 'dev' } });
  });

  test('the audit writer: Node.js on Graviton, its settings encrypted with the environment key, an IAM-authenticated URL', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      KmsKeyArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'DevKey'), 'Arn'] },
      Environment: { Variables: { TABLE_NAME: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'DevAuditTable') }, RETENTION_DAYS: '0' } },
    });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  });

  test('the audit table is append-only: only the writer may write, and only PutItem', () => {
    const writes = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|PartiQL(Insert|Update|Delete)|\*)$/;
    const writers = Object.entries(template.findResources('AWS::IAM::Policy'))
      .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Statement[])
        .filter(s => actionsOf(s).some(a => writes.test(a)))
        .map(s => [p.Properties.Roles.map((r: any) => r.Ref).join(), actionsOf(s)]));
    expect(writers).toEqual([[logicalIdOf(template, 'AWS::IAM::Role', 'DevAuditWriterRole'), ['dynamodb:PutItem']]]);
  });

  test('no role trusts a whole account', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      const principals = role.Properties.AssumeRolePolicyDocument.Statement.map((s: Statement) => JSON.stringify(s.Principal));
      expect(principals.join()).not.toMatch(/:root/);
    }
  });
});

/** One environment `Dev` and the statements of its two roles. */
function rolesOf(create: Factory) {
  const stack = testStack();
  create(stack);
  const template = Template.fromStack(stack);
  const statementsOf = (role: string) => roleStatements(template, logicalIdOf(template, 'AWS::IAM::Role', `Dev${role}`));
  return { template, prov: statementsOf('ProvisioningRole'), ops: statementsOf('OperationsRole') };
}

test('ECS roles act on services and tasks of their own cluster; scaling and restarts only when tagged', () => {
  const { template, prov, ops } = rolesOf(s => new EcsEnvironment(s, 'Dev', baseProps()));
  const services = 'arn:<AWS::Partition>:ecs:eu-west-1:111111111111:service/harmonix-dev/*';
  const tasks = 'arn:<AWS::Partition>:ecs:eu-west-1:111111111111:task/harmonix-dev/*';
  expect(actionsOf(bySid(prov, 'DeployServicesOnCluster'))).toEqual(['ecs:UpdateService', 'ecs:DescribeServices']);
  expect(resourcesOf(bySid(prov, 'DeployServicesOnCluster'))).toEqual([services]);
  expect(resourcesOf(bySid(ops, 'ReadServicesAndTasks'))).toEqual([services, tasks]);
  const operate = bySid(ops, 'ScaleAndRestartTaggedServices');
  expect(actionsOf(operate)).toEqual(['ecs:UpdateService', 'ecs:StopTask']);
  expect(operate.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/harmonix:environment': 'dev' } });
  // Listing has no resource ARN: the ecs:cluster condition is the scope.
  const list = bySid(ops, 'ListServicesAndTasksOfCluster');
  expect([actionsOf(list), resourcesOf(list)]).toEqual([['ecs:ListServices', 'ecs:ListTasks'], ['*']]);
  expect(list.Condition).toEqual({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::ECS::Cluster', 'DevCluster'), 'Arn'] } } });
  expect(resourcesOf(bySid(ops, 'ReadContainerInsights')))
    .toEqual(['arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/ecs/containerinsights/harmonix-dev/*']);
  // harmonix app scale, stop and start: the services' auto scaling read (bounds) and suspended or resumed, in this account and region.
  const scaling = bySid(ops, 'ReadServiceAutoScaling');
  expect([actionsOf(scaling), resourcesOf(scaling), scaling.Condition])
    .toEqual([['application-autoscaling:DescribeScalableTargets'], ['*'], { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }]);
  const suspend = bySid(ops, 'SuspendServiceAutoScaling');
  expect([actionsOf(suspend), resourcesOf(suspend)])
    .toEqual([['application-autoscaling:RegisterScalableTarget'], ['arn:<AWS::Partition>:application-autoscaling:eu-west-1:111111111111:scalable-target/*']]);
  expect(prov.some(st => actionsOf(st).some(a => a.startsWith('application-autoscaling:')))).toBe(false);
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: PIPELINE_ROLE_ARN } })] },
  });
});

test('serverless roles act on functions and APIs tagged with the environment and on its artifact bucket', () => {
  const { template, prov, ops } = rolesOf(s => new ServerlessEnvironment(s, 'Dev', baseProps()));
  const bucket = logicalIdOf(template, 'AWS::S3::Bucket', 'DevArtifactsBucket');
  const tagged = { StringEquals: { 'aws:ResourceTag/harmonix:environment': 'dev' } };
  expect(resourcesOf(bySid(prov, 'WriteDeploymentBundles'))).toEqual([`<${bucket}.Arn>/*`]);
  expect(resourcesOf(bySid(prov, 'ListDeploymentBundles'))).toEqual([`<${bucket}.Arn>`]);
  for (const [statements, sid] of [[prov, 'UpdateTaggedFunctions'], [ops, 'OperateTaggedFunctions']] as const) {
    const statement = bySid(statements, sid);
    expect(statement.Condition).toEqual(tagged);
    expect(resourcesOf(statement)).toEqual(['arn:<AWS::Partition>:lambda:eu-west-1:111111111111:function:*']);
  }
  const apis = bySid(ops, 'ReadTaggedApis');
  expect(apis.Condition).toEqual(tagged);
  expect(resourcesOf(apis)).toEqual(['arn:<AWS::Partition>:apigateway:eu-west-1::/restapis/*', 'arn:<AWS::Partition>:apigateway:eu-west-1::/apis/*']);
});

test('a grant on resource "*" needs a condition', () => {
  const env = new ServerlessEnvironment(testStack(), 'Dev', baseProps());
  expect(() => env.grantOperations({ sid: 'Everything', actions: ['ecs:ListClusters'], resources: ['*'], wildcardReason: 'x'.repeat(50) }))
    .toThrow(/Workload\/Dev\/OperationsRole: statement Everything has the resource "\*" without a condition; scope it with the service's condition keys/);
});

test('a grant with a wildcard action is refused', () => {
  const env = new ServerlessEnvironment(testStack(), 'Dev', baseProps());
  expect(() => env.grantOperations({ sid: 'Everything', actions: ['s3:*'], resources: ['arn:aws:s3:::bucket'] })).toThrow(/wildcard action s3:\*/);
  expect(() => env.grantOperations({ sid: 'Anything', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }))
    .toThrow(/wildcard resource .* without a reason/);
});
