import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { APP_SCENARIOS, appStack, DeployedEnvironment, ENVIRONMENTS } from './scenarios';
import { conditionKeys, decide, fillArn, handlerPermissions, isIamAction, ProofRequest, resourceFormats } from '../fixtures/iam-proof';
import { cliContext, ROOT } from '../fixtures/readme';

/**
 * Proof against AWS's own data: every create, update and delete handler permission of every
 * resource type an app stack holds (the CloudFormation registry schemas cfn-lint ships) is
 * allowed by the environment's execution policies, in a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate, with AWS's service authorization reference), on resources of
 * that environment; and what is outside is denied.
 */

type Phase = 'create' | 'update' | 'delete';

/**
 * Handler permissions the app stacks never exercise: each is only called for a property (or
 * value) that no app template sets, which the test checks in every template.
 */
const UNUSED: Array<{ type: string; actions: RegExp; absent?: string[]; holds?: (resource: any) => boolean; why: string }> = [
  { type: 'AWS::S3::Bucket', actions: /^(s3tables:|s3:\w*Metadata\w*Configuration)/, absent: ['MetadataTableConfiguration', 'MetadataConfiguration'], why: 'S3 Metadata tables' },
  { type: 'AWS::S3::Bucket', actions: /Replication|^iam:PassRole$/, absent: ['ReplicationConfiguration'], why: 'replication' },
  { type: 'AWS::S3::Bucket', actions: /Website/, absent: ['WebsiteConfiguration'], why: 'static websites' },
  { type: 'AWS::S3::Bucket', actions: /Accelerate/, absent: ['AccelerateConfiguration'], why: 'transfer acceleration' },
  { type: 'AWS::S3::Bucket', actions: /Analytics/, absent: ['AnalyticsConfigurations'], why: 'storage class analysis' },
  { type: 'AWS::S3::Bucket', actions: /IntelligentTiering/, absent: ['IntelligentTieringConfigurations'], why: 'intelligent tiering archives' },
  { type: 'AWS::S3::Bucket', actions: /Inventory/, absent: ['InventoryConfigurations'], why: 'inventories' },
  { type: 'AWS::S3::Bucket', actions: /Metrics/, absent: ['MetricsConfigurations'], why: 'request metrics' },
  { type: 'AWS::S3::Bucket', actions: /ObjectLock|^s3:DeleteObject$/, absent: ['ObjectLockConfiguration', 'ObjectLockEnabled'], why: 'object lock' },
  { type: 'AWS::S3::Bucket', actions: /Notification/, absent: ['NotificationConfiguration'], why: 'event notifications' },
  { type: 'AWS::S3::Bucket', actions: /Cors/i, absent: ['CorsConfiguration'], why: 'CORS' },
  { type: 'AWS::S3::Bucket', actions: /Acl$/, absent: ['AccessControl'], why: 'ACLs (ownership is enforced)' },
  { type: 'AWS::S3::Bucket', actions: /Abac/, absent: ['AbacStatus'], why: 'attribute-based access control' },
  { type: 'AWS::Logs::LogGroup', actions: /DataProtectionPolicy|CreateLogDelivery|firehose:|REST\.PUT\.OBJECT/, absent: ['DataProtectionPolicy'], why: 'data protection and its audit destinations' },
  { type: 'AWS::Logs::LogGroup', actions: /IndexPolic/, absent: ['FieldIndexPolicies'], why: 'field indexes' },
  { type: 'AWS::Logs::LogGroup', actions: /ResourcePolic/, absent: ['ResourcePolicyDocument'], why: 'resource policies' },
  { type: 'AWS::Logs::LogGroup', actions: /BearerToken/, absent: ['BearerTokenAuthenticationEnabled'], why: 'bearer token ingestion' },
  { type: 'AWS::Logs::LogGroup', actions: /DeletionProtection/, absent: ['DeletionProtectionEnabled'], why: 'deletion protection' },
  { type: 'AWS::Lambda::Function', actions: /MountTargets/, absent: ['FileSystemConfigs'], why: 'file systems' },
  { type: 'AWS::Lambda::Function', actions: /^lambda:(Put|Delete)FunctionCodeSigningConfig$/, absent: ['CodeSigningConfigArn'], why: 'code signing' },
  { type: 'AWS::Lambda::Function', actions: /GetLayerVersion/, absent: ['Layers'], why: 'layers' },
  { type: 'AWS::Lambda::Function', actions: /PutRuntimeManagementConfig/, absent: ['RuntimeManagementConfig'], why: 'runtime pinning' },
  { type: 'AWS::Lambda::Function', actions: /PutFunctionRecursionConfig/, absent: ['RecursiveLoop'], why: 'recursion control' },
  { type: 'AWS::Lambda::Function', actions: /ScalingConfig|CapacityProvider|RuntimeAlias/, absent: ['CapacityProviderConfig', 'FunctionScalingConfig', 'PublishToLatestPublished'], why: 'Lambda managed instances' },
  { type: 'AWS::Lambda::Version', actions: /ScalingConfig|RuntimeManagementConfig/, absent: ['FunctionScalingConfig', 'RuntimePolicy'], why: 'managed instances and runtime pinning' },
  { type: 'AWS::Lambda::Version', actions: /ProvisionedConcurrency/, absent: ['ProvisionedConcurrencyConfig'], why: 'provisioned concurrency on a version (the apps set it on the alias)' },
  { type: 'AWS::Lambda::Alias', actions: /^codedeploy:/, holds: r => r.UpdatePolicy === undefined, why: 'CodeDeploy traffic shifting' },
  { type: 'AWS::ElasticLoadBalancingV2::Listener', actions: /^cognito-idp:/, holds: r => !JSON.stringify(r).includes('authenticate-cognito'), why: 'Cognito sign-in actions' },
  { type: 'AWS::ElasticLoadBalancingV2::ListenerRule', actions: /^cognito-idp:/, holds: r => !JSON.stringify(r).includes('authenticate-cognito'), why: 'Cognito sign-in actions' },
  { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', actions: /IpamPools|IpPools/, absent: ['Ipv4IpamPoolId'], why: 'IPAM pools' },
  { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', actions: /CapacityReservation/, absent: ['MinimumLoadBalancerCapacity'], why: 'capacity reservations' },
  { type: 'AWS::RDS::DBCluster', actions: /GlobalCluster/, absent: ['GlobalClusterIdentifier'], why: 'global databases' },
  { type: 'AWS::RDS::DBCluster', actions: /RoleToDBCluster|RoleFromDBCluster|^iam:PassRole$/, absent: ['AssociatedRoles', 'MonitoringRoleArn'], why: 'associated roles' },
  { type: 'AWS::RDS::DBCluster', actions: /HttpEndpoint/, absent: ['EnableHttpEndpoint'], why: 'the Data API' },
  { type: 'AWS::RDS::DBCluster', actions: /RestoreDBCluster/, absent: ['SnapshotIdentifier', 'SourceDBClusterIdentifier'], why: 'restores' },
  { type: 'AWS::RDS::DBCluster', actions: /^secretsmanager:/, absent: ['ManageMasterUserPassword'], why: 'RDS-managed master passwords' },
  { type: 'AWS::RDS::DBInstance', actions: /ReadReplica/, absent: ['SourceDBInstanceIdentifier'], why: 'read replicas' },
  { type: 'AWS::RDS::DBInstance', actions: /RestoreDBInstance/, absent: ['DBSnapshotIdentifier', 'SourceDBInstanceAutomatedBackupsArn', 'RestoreTime'], why: 'restores' },
  { type: 'AWS::RDS::DBInstance', actions: /AutomatedBackupsReplication/, absent: ['AutomaticBackupReplicationRegion'], why: 'cross-region backups' },
  { type: 'AWS::RDS::DBInstance', actions: /RoleToDBInstance|RoleFromDBInstance|^iam:(PassRole|ListRoles)$/, absent: ['AssociatedRoles', 'MonitoringRoleArn'], why: 'associated and monitoring roles' },
  { type: 'AWS::RDS::DBInstance', actions: /^secretsmanager:/, absent: ['ManageMasterUserPassword'], why: 'RDS-managed master passwords' },
  { type: 'AWS::SecretsManager::Secret', actions: /Regions/, absent: ['ReplicaRegions'], why: 'replication' },
  { type: 'AWS::SecretsManager::SecretTargetAttachment', actions: /^(docdb-elastic|redshift|redshift-serverless):/, holds: r => r.Properties.TargetType === 'AWS::RDS::DBCluster', why: 'other database kinds' },
  { type: 'AWS::ApplicationAutoScaling::ScalableTarget', actions: /^lambda:/, holds: r => r.Properties.ServiceNamespace === 'ecs', why: 'Lambda targets' },
  { type: 'AWS::ApplicationAutoScaling::ScalableTarget', actions: /ScheduledAction/, absent: ['ScheduledActions'], why: 'scheduled scaling' },
  { type: 'AWS::ApiGatewayV2::Api', actions: /^s3:/, absent: ['BodyS3Location'], why: 'OpenAPI bodies from S3' },
  { type: 'AWS::ApiGatewayV2::DomainName', actions: /^s3:|CertificateToDomain|CertificateFromDomain/, absent: ['MutualTlsAuthentication'], why: 'mutual TLS' },
  { type: 'AWS::ApiGatewayV2::Integration', actions: /^iam:PassRole$/, absent: ['CredentialsArn'], why: 'integration credentials' },
  { type: 'AWS::ECS::Service', actions: /^iam:PassRole$/, absent: ['Role'], why: 'service roles (awsvpc services need none)' },
  {
    type: 'AWS::ECS::TaskDefinition',
    actions: /^ecs:DeregisterTaskDefinition$/,
    holds: r => r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain',
    why: 'deregistration (IAM cannot scope it to a family, so revisions are retained and never deregistered by CloudFormation)',
  },
  { type: 'AWS::IAM::Policy', actions: /Group|User/, absent: ['Groups', 'Users'], why: 'groups and users' },
];

/** Handler permissions that are not IAM actions: the IAM action that authorizes the call instead. */
const AUTHORIZED_AS: Record<string, string> = {
  's3:DeleteBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:DeleteBucketLifecycle': 's3:PutLifecycleConfiguration',
  'apigateway:TagResource': 'apigateway:PUT',
  'apigateway:UntagResource': 'apigateway:DELETE',
};

/**
 * Requests the service authorization data cannot place (iam-simulate refuses to guess): HTTP API
 * (API Gateway v2) paths for some verbs, ELBv2 tagging of target groups, listeners and rules
 * (the data holds only the Classic Load Balancer form), and provisioned concurrency (an alias and
 * a version share one ARN form). The policy covers each by path or ARN pattern; they are listed
 * so that a newer data set that can place them turns this list into real evaluations.
 */
const NOT_EVALUABLE = [
  /^AWS::ApiGatewayV2::\w+ apigateway:/,
  /^AWS::ElasticLoadBalancingV2::(TargetGroup|Listener|ListenerRule) elasticloadbalancing:(AddTags|RemoveTags)$/,
  /^AWS::Lambda::Alias lambda:\w+ProvisionedConcurrencyConfig$/,
];

/** Per CloudFormation type, the IAM resource type an action with no required resource type is checked on. */
const PREFERRED: Record<string, string[]> = {
  'AWS::ECS::TaskDefinition': ['task-definition'],
  'AWS::ECS::Service': ['service'],
  'AWS::ServiceDiscovery::Service': ['service'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['targetgroup'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::Listener': ['listener/app', 'loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::ListenerRule': ['listener-rule/app', 'listener/app'],
  'AWS::Lambda::Function': ['function'],
  'AWS::Lambda::Version': ['function version', 'function'],
  'AWS::Lambda::Alias': ['function alias', 'function'],
  'AWS::Lambda::Permission': ['function'],
  'AWS::EC2::SecurityGroup': ['security-group'],
  'AWS::EC2::SecurityGroupIngress': ['security-group'],
  'AWS::EC2::SecurityGroupEgress': ['security-group'],
  'AWS::ApiGatewayV2::Api': ['Apis', 'Api'],
  'AWS::ApiGatewayV2::Stage': ['Stages', 'Stage'],
  'AWS::ApiGatewayV2::Route': ['Routes', 'Route'],
  'AWS::ApiGatewayV2::Integration': ['Integrations', 'Integration'],
  'AWS::ApiGatewayV2::DomainName': ['DomainNames', 'DomainName'],
  'AWS::ApiGatewayV2::ApiMapping': ['ApiMappings', 'ApiMapping'],
};

/** The request for one handler permission of one resource type, on resources of the environment. */
async function requestsFor(
  type: string, phase: Phase, action: string, e: DeployedEnvironment, logGroupNames: string[] = [],
): Promise<ProofRequest[] | undefined> {
  const d = e.descriptor;
  const env = d.name;
  const listener = d.ecs?.sharedLoadBalancer?.httpsListenerArn.split(':listener/app/')[1]?.split('/');
  const ownLb = ['AppSt-Order-1A2B3C4D', '0123456789abcdef', 'fedcba9876543210'];
  const [lbName, lbId, listenerId] = type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && listener ? listener : ownLb;
  // The data holds only the Classic form loadbalancer/<name> for some calls; an application load
  // balancer's ARN is that form with the name app/<name>/<id>.
  const classicName = `app/${ownLb[0]}/${ownLb[1]}`;
  const appRole = `harmonix/${env}/AppStack-OrdersTaskRole-1A2B3C4D5E6F`;
  const values: Record<string, string> = {
    Partition: 'aws',
    Region: d.region,
    Account: d.account,
    ClusterName: d.ecs?.clusterName ?? `harmonix-${env}`,
    ServiceName: 'orders',
    ServiceDeploymentId: 'a1b2c3',
    TaskDefinitionFamilyName: `harmonix-${env}-orders`,
    TaskDefinitionRevisionNumber: '3',
    RoleNameWithPath: appRole,
    LogGroupName: `/harmonix/${env}/orders`,
    LoadBalancerName: /^elasticloadbalancing:(AddTags|RemoveTags|DeleteLoadBalancer|ModifyLoadBalancerAttributes|SetSecurityGroups|SetSubnets|SetIpAddressType)$/.test(action)
      && type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' ? classicName : lbName,
    LoadBalancerId: lbId,
    ListenerId: listenerId,
    ListenerRuleId: '1a2b3c4d5e6f7a8b',
    TargetGroupName: 'AppSta-Order-1A2B3C4D',
    TargetGroupId: '0123456789abcdef',
    ApiId: 'a1b2c3d4e5',
    DomainName: 'shop.example.com',
    StageName: '$default',
    IntegrationId: 'i1j2k3',
    RouteId: 'r1s2t3',
    ApiMappingId: 'm1n2o3',
    DbClusterInstanceName: 'appstack-dbcluster-1a2b3c',
    DbInstanceName: 'appstack-dbclusterwriter-1a2b3c',
    ClusterParameterGroupName: 'default.aurora-postgresql17',
    OptionGroupName: 'default:aurora-postgresql-17',
    SubnetGroupName: 'appstack-dbsubnets-1a2b3c',
    ClusterSnapshotName: 'appstack-dbcluster-final',
    SnapshotName: 'appstack-dbclusterwriter-final',
    ParameterGroupName: 'default.aurora-postgresql17',
    BucketName: `harmonix-${env}-0123456789abcdef`,
    ObjectName: 'x',
    QueueName: 'AppStack-JobsQueue-1A2B3C',
    SecretId: 'DbSecret-AbCdEf',
    NamespaceId: (d.ecs?.namespaceArn ?? 'namespace/ns-none').split('/').pop()!,
    ServiceId: 'srv-1a2b3c',
    ResourceId: '1a2b3c4d-5e6f',
    Id: 'Z123EXAMPLE',
    SecurityGroupId: 'sg-0a1b2c3d',
    SecurityGroupRuleId: 'sgr-0a1b2c3d',
    VpcId: d.network?.vpcId ?? 'vpc-none',
    FunctionName: 'AppStack-ShopapiFunction-1A2B3C',
    Alias: 'live',
    Version: '1',
    CodeSigningConfigId: 'csc-0a1b2c3d',
    KeyId: d.kmsKeyArn.split('/').pop()!,
    ParameterNameWithoutLeadingSlash: `harmonix/apps/orders/${env}/url`,
    AlarmName: `TargetTracking-service/${d.ecs?.clusterName ?? 'none'}/orders-AlarmHigh-1a2b`,
  };
  // Calls that create the resource carry the stack's tags as request tags; calls on an existing
  // resource see its tags; tagging calls see both.
  const creating = /:(Create(?!Grant|ServiceLinkedRole|Tags|DBClusterSnapshot|DBSnapshot|Alias)\w*|RegisterTaskDefinition|RegisterScalableTarget|PutParameter)$/.test(action);
  const tagging = /:(TagResource|AddTags|TagQueue|TagRole|CreateTags|AddTagsToResource|PutBucketTagging)$/.test(action);
  // Cloud Map's resources are tagged on create (the registry schema's tagOnCreate), through
  // CreateService; its tagging calls, which name no resource, only ever change other keys.
  const requestTags: Record<string, string | string[]> = action.startsWith('servicediscovery:') && /Tag/.test(action) ? { 'aws:TagKeys': ['harmonix:app'] }
    : { 'aws:RequestTag/harmonix:environment': env, 'aws:TagKeys': ['harmonix:environment', 'harmonix:app'] };
  const resourceTags = { 'aws:ResourceTag/harmonix:environment': env };
  const keys = await conditionKeys(action);
  const context: Record<string, string | string[]> = creating ? { ...requestTags }
    : tagging ? { ...requestTags, ...resourceTags } : { ...resourceTags };
  const add = (key: string, value: string | string[]) => { if (keys.has(key)) context[key] = value; };
  add('iam:PermissionsBoundary', d.appBoundaryArn!);
  add('servicediscovery:NamespaceArn', d.ecs?.namespaceArn ?? '');
  add('route53:ChangeResourceRecordSetsRecordTypes', ['A']);
  add('ec2:VpcID', values.VpcId);
  let formats = await resourceFormats(action, types => PREFERRED[type]?.filter(t => types.includes(t)).slice(0, 1) ?? []);
  // Calls whose resource is not one the handler's own type names.
  if (action === 'iam:PassRole') {
    const toService: Record<string, [string, string]> = {
      'AWS::ECS::TaskDefinition': [`arn:aws:iam::${d.account}:role/${appRole}`, 'ecs-tasks.amazonaws.com'],
      'AWS::Lambda::Function': [`arn:aws:iam::${d.account}:role/${appRole}`, 'lambda.amazonaws.com'],
      'AWS::ApplicationAutoScaling::ScalableTarget': [
        `arn:aws:iam::${d.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
        'application-autoscaling.amazonaws.com',
      ],
    };
    const [role, service] = toService[type];
    return [{ action, resource: role, context: { ...context, 'iam:PassedToService': service } }];
  }
  if (action === 'iam:CreateServiceLinkedRole') {
    const service = type.startsWith('AWS::RDS') ? 'rds.amazonaws.com' : 'ecs.application-autoscaling.amazonaws.com';
    return [{ action, resource: `arn:aws:iam::${d.account}:role/aws-service-role/${service}/AWSServiceRoleFor`, context: { ...context, 'iam:AWSServiceName': service } }];
  }
  if (action.startsWith('kms:')) {
    formats = [d.kmsKeyArn];
  }
  if (formats.length === 0 && NOT_EVALUABLE.some(n => n.test(`${type} ${action}`))) {
    return undefined;
  }
  if (/elasticloadbalancing:(AddTags|RemoveTags)$/.test(action) && type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
    return undefined;
  }
  if (type === 'AWS::Lambda::Function' && action.startsWith('s3:GetObject')) {
    values.BucketName = `cdk-${d.cdkBootstrapQualifier}-assets-${d.account}-${d.region}`;
  }
  void phase;
  // Each log group by its own name: the app's, under the environment prefix, or the database's, named by RDS.
  const names = type === 'AWS::Logs::LogGroup' && logGroupNames.length > 0 ? logGroupNames : [values.LogGroupName];
  return (formats.length > 0 ? formats : ['*']).flatMap(format => names.map(name => ({ action, resource: fillArn(format, { ...values, LogGroupName: name }), context })));
}

/** A log group's name as deployed: a database's PostgreSQL log is named by RDS after the generated cluster. */
function logGroupName(name: unknown): string {
  if (typeof name === 'string') return name;
  const joined = JSON.stringify(name);
  if (/\/aws\/rds\/cluster\//.test(joined)) return '/aws/rds/cluster/appstack-dbcluster-1a2b3c/postgresql';
  throw new Error(`a log group name the proof cannot place: ${joined}`);
}

/** Every resource type of the app templates, with its resources. */
function resourcesByType(templates: any[]): Map<string, any[]> {
  const byType = new Map<string, any[]>();
  for (const template of templates) {
    for (const resource of Object.values<any>(template.Resources)) {
      if (resource.Type === 'AWS::CDK::Metadata') continue;
      byType.set(resource.Type, [...byType.get(resource.Type) ?? [], resource]);
    }
  }
  return byType;
}

describe.each(APP_SCENARIOS)('app stack: $name', ({ environment, build }) => {
  const deployed = ENVIRONMENTS[environment]();
  const stack = appStack(deployed, build);
  const template = Template.fromStack(stack).toJSON();
  const byType = resourcesByType([template]);

  test('every role carries the boundary and lives under the environment path; policies attach to roles of the environment\'s path', () => {
    const roles = (byType.get('AWS::IAM::Role') ?? []).map(r => r.Properties);
    // An EKS app's grants go to its namespace's Pod Identity role (under the path, with the boundary).
    expect(roles.length + (byType.get('AWS::IAM::Policy') ?? []).length).toBeGreaterThan(0);
    for (const role of roles) {
      expect([role.Path, stack.resolve(role.PermissionsBoundary)]).toEqual(['/harmonix/dev/', deployed.descriptor.appBoundaryArn]);
    }
    expect(stack.tags.tagValues()).toEqual({ 'harmonix:environment': 'dev' });
    // A policy attaches to a role of the stack, or by name to an environment role under the path.
    const pathRoles = (deployed.descriptor.eks?.namespaces ?? []).filter(n => n.roleArn.includes(':role/harmonix/dev/')).map(n => n.roleArn.split('/').pop());
    for (const policy of byType.get('AWS::IAM::Policy') ?? []) {
      for (const role of policy.Properties.Roles) {
        expect(typeof role === 'string' ? pathRoles : [role]).toContainEqual(role);
      }
    }
  });

  test('every create, update and delete handler permission of every resource type is allowed, on this environment\'s resources', async () => {
    const refused: string[] = [];
    const notEvaluable = new Set<string>();
    let allowed = 0;
    for (const [type, resources] of byType) {
      if (type.startsWith('Custom::')) {
        // CloudFormation invokes the custom resource's provider function: one of the stack (tagged
        // by it), or the environment's (a literal ARN from the descriptor: EKS's app kubectl handler).
        for (const resource of resources) {
          const token = resource.Properties.ServiceToken;
          const decision = await decide({
            action: 'lambda:InvokeFunction',
            resource: typeof token === 'string' ? token : 'arn:aws:lambda:eu-west-1:111111111111:function:AppStack-CustomProvider-1A2B',
            context: { 'aws:ResourceTag/harmonix:environment': 'dev' },
          }, deployed.descriptor.account, deployed.executionPolicies);
          if (decision !== 'Allowed') refused.push(`${type} lambda:InvokeFunction on ${JSON.stringify(token)}: ${decision}`);
        }
        continue;
      }
      const permissions = handlerPermissions(type, 'eu-west-1');
      for (const phase of ['create', 'update', 'delete'] as Phase[]) {
        for (const listed of permissions[phase]) {
          const unused = UNUSED.find(u => u.type === type && u.actions.test(listed));
          if (unused) {
            for (const resource of resources) {
              for (const property of unused.absent ?? []) {
                if (resource.Properties?.[property] !== undefined) refused.push(`${type} sets ${property}, so ${listed} (${unused.why}) must be allowed`);
              }
              if (unused.holds && !unused.holds(resource)) refused.push(`${type} uses ${unused.why}, so ${listed} must be allowed`);
            }
            continue;
          }
          if (type === 'AWS::IAM::Role' && listed === 'iam:DeleteRolePermissionsBoundary') continue; // denied by design, below
          const action = AUTHORIZED_AS[listed] ?? listed;
          if (!await isIamAction(action)) {
            refused.push(`${type} ${phase}: ${listed} is not an IAM action; say which action authorizes it`);
            continue;
          }
          const requests = await requestsFor(type, phase, action, deployed,
            type === 'AWS::Logs::LogGroup' ? resources.map(r => logGroupName(r.Properties.LogGroupName)) : []);
          if (!requests) {
            notEvaluable.add(`${type} ${action}`);
            continue;
          }
          for (const request of requests) {
            const decision = await decide(request, deployed.descriptor.account, deployed.executionPolicies, undefined,
              action.startsWith('kms:') ? deployed.keyPolicy : undefined);
            if (decision === 'Allowed') {
              allowed++;
            } else if (/no\.resource\.types|multiple\.resource\.types/.test(decision) && NOT_EVALUABLE.some(n => n.test(`${type} ${action}`))) {
              notEvaluable.add(`${type} ${action}`);
            } else {
              refused.push(`${type} ${phase}: ${action} on ${request.resource}: ${decision}`);
            }
          }
        }
      }
    }
    expect(refused).toEqual([]);
    expect(allowed).toBeGreaterThan(100);
    // What could not be evaluated is only ever of the kinds listed, and is printed for the record.
    if (notEvaluable.size > 0) process.stdout.write(`not evaluable with the service authorization data: ${[...notEvaluable].sort().join(', ')}\n`);
  }, 120_000);
});

describe('the example app\'s app stacks', () => {
  test('hold only resource types the scenarios above prove, and every role carries its environment\'s boundary', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-lp-example-'));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--prefer-ts-exts', '-P', 'tsconfig.dev.json', 'examples/environments.ts'], {
      cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: cliContext() }, stdio: 'pipe',
    });
    const proven = new Set(APP_SCENARIOS.flatMap(({ environment, build }) =>
      [...resourcesByType([Template.fromStack(appStack(ENVIRONMENTS[environment](), build)).toJSON()]).keys()]));
    for (const [stack, env] of [['HarmonixOrdersDev', 'dev'], ['HarmonixOrdersStaging', 'staging'], ['HarmonixShopQa', 'qa']]) {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8'));
      const types = [...resourcesByType([template]).keys()];
      expect([stack, types.filter(t => !proven.has(t))]).toEqual([stack, []]);
      for (const role of Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Role')) {
        expect([role.Properties.Path, role.Properties.PermissionsBoundary]).toEqual([`/harmonix/${env}/`, `arn:aws:iam::111111111111:policy/harmonix-${env}-app-boundary`]);
      }
    }
  }, 120_000);
});
