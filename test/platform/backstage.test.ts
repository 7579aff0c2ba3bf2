import * as path from 'path';
import { Entity, resourceEntityV1alpha1Validator } from '@backstage/catalog-model';
import { loadConfig } from '@backstage/config-loader';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { BackstageOnFargate, BackstageOnFargateProps, BackstageSignIn, HarmonixEnvironment, EcsEnvironment, ServerlessEnvironment } from '../../src';
import { blueprintTemplates } from '../../src/common/backstage-templates';
import { BLUEPRINT_FACTS } from '../../src/common/blueprint-facts';
import { parseDescriptor } from '../../src/contract/descriptor';
import { CERTIFICATE_ARN, testApp, TEST_ENV, baseProps } from '../fixtures/app';
import { deployedDescriptor } from '../fixtures/app-environments';
import { catalogAccepts } from '../fixtures/catalog';
import { postgresLogGroup } from '../fixtures/database';
import { renderValue, roleStatements, Statement } from '../fixtures/iam';
import { decide, Policy } from '../fixtures/iam-proof';
import { nagFindings } from '../fixtures/nag';

const DEV = deployedDescriptor(s => new EcsEnvironment(s, 'Env', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } })));
/** The portal's image, as its build tagged it. */
const IMAGE_TAG = '2f6a1c3';
const QA = deployedDescriptor(s => new ServerlessEnvironment(s, 'Env', baseProps({ environmentName: 'qa' })));

/** A platform stack with Backstage on its domain, the dev and qa environments added by descriptor. */
function platform(props: Partial<BackstageOnFargateProps> = {}, app: App = testApp(), synth = true) {
  const stack = new Stack(app, 'Platform', { env: TEST_ENV });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' });
  const backstage = new BackstageOnFargate(stack, 'Backstage', { domainName: 'backstage.example.com', hostedZone: zone, imageTag: IMAGE_TAG, ...props });
  backstage.addEnvironment(HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', DEV));
  backstage.addEnvironment(HarmonixEnvironment.fromDescriptorJson(stack, 'Qa', QA));
  return { app, stack, backstage, template: synth ? Template.fromStack(stack) : undefined as unknown as Template };
}

describe('BackstageOnFargate', () => {
  const { stack, backstage, template } = platform();

  test('entry: HTTPS with TLS 1.2+ on a certificate for the domain, HTTP redirected, alias record, access logs', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'backstage.example.com', ValidationMethod: 'DNS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing', LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }) })],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'backstage.example.com.', Type: 'A' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 7007, HealthCheckPath: '/.backstage/health/v1/readiness' });
    expect(backstage.url).toBe('https://backstage.example.com');
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/platform/backstage/url', Value: 'https://backstage.example.com' });
  });

  test('WAF: the common, known-bad-inputs and IP reputation rule groups, on the load balancer', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'].map((name, priority) => Match.objectLike({
        Name: name, Priority: priority, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } }, OverrideAction: { None: {} },
      })),
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: stack.getLogicalId(backstage.loadBalancer.node.defaultChild as any) } });
  });

  test('database: Aurora PostgreSQL Serverless v2 that pauses, encrypted with the key, backups, protected, password rotated', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(backstage.key.node.defaultChild as any), 'Arn'] },
        BackupRetentionPeriod: 7,
        DeletionProtection: true,
      }),
      DeletionPolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
  });

  test('database log: PostgreSQL\'s log goes to a group made before the writer, where RDS writes it, with retention and the key', () => {
    const log = postgresLogGroup(template);
    expect(log.properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(backstage.key.node.defaultChild as any), 'Arn'] } });
    expect(log.deletionPolicy).toBe('Retain');
    // CloudWatch Logs may use the key for that group (its name holds the generated identifier).
    const statement = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement
      .find((st: any) => st.Sid === 'AllowCloudWatchLogsForDatabaseLog');
    expect(statement.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(renderValue(statement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toBe('arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/aws/rds/cluster/*/postgresql');
  });

  test('egress: the tasks and the rotation function send HTTPS anywhere and reach the database port, nothing else', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const idOf = (description: string) => Object.keys(groups).find(id => groups[id].Properties.GroupDescription === description)!;
    const tasks = idOf('harmonix-cdk Backstage tasks');
    const rotation = idOf('harmonix-cdk Backstage: database password rotation function');
    const database = idOf('harmonix-cdk Backstage database: reached by its tasks and the rotation function');
    for (const id of [tasks, rotation]) {
      expect(groups[id].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    }
    const loadBalancer = stack.getLogicalId(backstage.loadBalancer.connections.securityGroups[0].node.defaultChild as any);
    const clusterPort = `<${Object.keys(template.findResources('AWS::RDS::DBCluster'))[0]}.Endpoint.Port>`;
    const port = (p: unknown) => (typeof p === 'number' ? String(p) : renderValue(p));
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties);
    // The rotation function reaches the cluster's port as aws-cdk-lib names it: the endpoint's (5432).
    expect(egress.map(e => `${e.GroupId['Fn::GetAtt'][0]} ${e.DestinationSecurityGroupId['Fn::GetAtt'][0]} ${port(e.FromPort)}-${port(e.ToPort)}`).sort())
      .toEqual([`${loadBalancer} ${tasks} 7007-7007`, `${rotation} ${database} ${clusterPort}-${clusterPort}`, `${tasks} ${database} 5432-5432`].sort());
    // The rotation function (deployed from the Serverless Application Repository) runs in that group.
    const [application] = Object.values(template.findResources('AWS::Serverless::Application'));
    expect(application.Properties.Parameters.vpcSecurityGroupIds).toEqual({ 'Fn::GetAtt': [rotation, 'GroupId'] });
  });

  test('the load balancer is protected from deletion, as the portal\'s data is kept', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('functions aws-cdk-lib adds for the portal (catalog files, the VPC\'s default security group) log into groups with retention and the key', () => {
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(backstage.key.node.defaultChild as any), 'Arn'] };
    const groups = template.findResources('AWS::Logs::LogGroup');
    const functionLogs = Object.values(template.findResources('AWS::Lambda::Function'))
      .map(f => groups[f.Properties.LoggingConfig?.LogGroup?.Ref]?.Properties);
    expect(functionLogs).toEqual([
      expect.objectContaining({ LogGroupName: '/harmonix/platform/backstage/custom-resources/vpc-default-security-group/handler', RetentionInDays: 30, KmsKeyId: keyArn }),
      expect.objectContaining({ LogGroupName: '/harmonix/platform/backstage/custom-resources/catalog-files', RetentionInDays: 30, KmsKeyId: keyArn }),
    ]);
  });

  test('service: Fargate on Graviton, rollback, CPU scaling, Exec off; secrets by reference, no secret in plain text', () => {
    const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    expect(td.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    const container = td.ContainerDefinitions[0];
    expect(container.Secrets.map((s: any) => s.Name).sort()).toEqual(['APP_CONFIG_backend_auth_keys', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
    expect(JSON.stringify(container.Environment)).not.toMatch(/password|secret"/i);
    template.hasResourceProperties('AWS::ECS::Service', {
      EnableExecuteCommand: false, DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    template.hasResourceProperties('AWS::ECR::Repository', { ImageScanningConfiguration: { ScanOnPush: true }, LifecyclePolicy: Match.anyValue() });
    // The auth keys secret holds a reference to the generated secret, never a value.
    const keys = Object.values(template.findResources('AWS::SecretsManager::Secret')).find((r: any) => /auth.keys/.test(r.Properties.Description))!;
    expect(JSON.stringify(keys.Properties.SecretString)).toMatch(/\{\{resolve:secretsmanager:/);
  });

  test('image: an immutable-tag repository, and the task pinned to the tag it is given', () => {
    template.hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'IMMUTABLE' });
    const image = JSON.stringify(Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0].Image);
    expect(image).toContain(`:${IMAGE_TAG}`);
    expect(image).not.toContain(':latest');
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = platform({ imageTag: digest }).template;
    expect(JSON.stringify(Object.values(pinned.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0].Image)).toContain(`@${digest}`);
  });

  test('catalog bucket: its server access logs go to a log bucket of their own, delivered by bucket policy', () => {
    const logBucket = stack.getLogicalId(backstage.catalogAccessLogBucket.node.defaultChild as any);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 'catalog-bucket/' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucket },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('the task role may assume exactly the operations role of each added environment', () => {
    const ops = [DEV, QA].map(d => JSON.parse(d).operationsRoleArn);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === stack.getLogicalId(backstage.taskRole.node.defaultChild as any)))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const assume = statements.filter((s: any) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assume.map((s: any) => s.Resource).sort()).toEqual(ops.sort());
    expect(backstage.environmentNames).toEqual(['dev', 'qa']);
  });

  test('the environments\' catalog files pass Backstage\'s own entity validators', async () => {
    const files = Object.values(template.findResources('Custom::AWS')).map((r: any) => JSON.parse(renderValue(r.Properties.Create)))
      .filter(f => f.parameters.Key.startsWith('harmonix/environments/'));
    expect(files.map(f => f.parameters.Key).sort()).toEqual(['harmonix/environments/dev.json', 'harmonix/environments/qa.json']);
    for (const file of files) {
      const entity = JSON.parse(file.parameters.Body) as Entity;
      expect(await catalogAccepts(entity, resourceEntityV1alpha1Validator)).toBe(true);
      expect(entity).toMatchObject({ kind: 'Resource', spec: { type: 'aws-environment', owner: 'group:default/platform' } });
    }
    const dev = JSON.parse(files.find(f => f.parameters.Key.endsWith('dev.json')).parameters.Body);
    expect(dev.metadata.annotations).toMatchObject({ 'harmonix.dev/account': '111111111111', 'harmonix.dev/stage': '1', 'harmonix.dev/require-approval': 'false' });
    // The whole descriptor, as the contract's reader reads it: what the scaffolder module writes into a new repo.
    expect(parseDescriptor('the annotation', dev.metadata.annotations['harmonix.dev/descriptor'])).toEqual(parseDescriptor('dev', DEV));
  });

  test('the blueprints\' software templates beside the environments, read by the same provider: one per blueprint, accepted by Backstage\'s template validator', async () => {
    const files = Object.values(template.findResources('Custom::AWS')).map((r: any) => JSON.parse(renderValue(r.Properties.Create)))
      .filter(f => f.parameters.Key.startsWith('harmonix/templates/'));
    expect(files.map(f => f.parameters.Key).sort()).toEqual(Object.keys(BLUEPRINT_FACTS).sort().map(p => `harmonix/templates/${p}.json`));
    const expected = blueprintTemplates({ owner: 'group:default/platform', allowedHosts: ['gitlab.com', 'github.com'] });
    for (const file of files) {
      const entity = JSON.parse(file.parameters.Body) as Entity;
      expect(await catalogAccepts(entity, templateEntityV1beta3Validator)).toBe(true);
      expect(entity).toEqual(expected[entity.metadata.name]);
    }
  });

  test('harmonix:create-app may read what the platform registered of an app (its two parameters, its image repository) and nothing else: a real IAM evaluator', async () => {
    const roleId = stack.getLogicalId(backstage.taskRole.node.defaultChild as any);
    const statements = roleStatements(template, roleId).map((st: Statement) => ({
      ...st, Resource: [st.Resource].flat().map(r => renderValue(r, ref => (ref === 'AWS::Partition' ? 'aws' : ref === 'AWS::Region' ? 'eu-west-1' : ref === 'AWS::AccountId' ? '111111111111' : `arn:aws:unknown:::${ref}`))),
    }));
    const policy: Policy = { Version: '2012-10-17', Statement: statements };
    const ask = (action: string, resource: string) => decide({ action, resource, context: {} }, '111111111111', [policy]);
    const ssm = (name: string, account = '111111111111') => `arn:aws:ssm:eu-west-1:${account}:parameter${name}`;
    expect(await ask('ssm:GetParameter', ssm('/harmonix/apps/orders/image-repository'))).toBe('Allowed');
    expect(await ask('ssm:GetParameter', ssm('/harmonix/apps/orders/build-role-arn'))).toBe('Allowed');
    for (const other of [ssm('/harmonix/apps/orders/db-password'), ssm('/harmonix/environments/dev'), ssm('/harmonix/apps/orders/image-repository', '999999999999')]) {
      expect([other, await ask('ssm:GetParameter', other)]).toEqual([other, 'ImplicitlyDenied']);
    }
    expect(await ask('ssm:PutParameter', ssm('/harmonix/apps/orders/image-repository'))).toBe('ImplicitlyDenied');
    expect(await ask('ecr:DescribeRepositories', 'arn:aws:ecr:eu-west-1:111111111111:repository/orders')).toBe('Allowed');
    for (const action of ['ecr:BatchGetImage', 'ecr:PutImage', 'ecr:DeleteRepository']) {
      expect([action, await ask(action, 'arn:aws:ecr:eu-west-1:111111111111:repository/orders')]).toEqual([action, 'ImplicitlyDenied']);
    }
    expect(await ask('ecr:DescribeRepositories', 'arn:aws:ecr:eu-west-1:999999999999:repository/orders')).toBe('ImplicitlyDenied');
  });

  test('templates: the repository hosts of the portal\'s integrations, or none published; hosts checked', () => {
    const build = (props: Partial<BackstageOnFargateProps>) => {
      const portalStack = new Stack(testApp(), 'Platform', { env: TEST_ENV });
      new BackstageOnFargate(portalStack, 'Backstage', { certificate: acm.Certificate.fromCertificateArn(portalStack, 'Cert', CERTIFICATE_ARN), imageTag: IMAGE_TAG, ...props });
      return Object.values(Template.fromStack(portalStack).findResources('Custom::AWS')).map((r: any) => JSON.parse(renderValue(r.Properties.Create)));
    };
    const own = build({ templateRepositoryHosts: ['gitlab.example.com:8443'], environmentOwner: 'group:default/platform-team' });
    const node = JSON.parse(own.find(f => f.parameters.Key === 'harmonix/templates/harmonix-node-service.json').parameters.Body);
    expect(node.spec.owner).toBe('group:default/platform-team');
    expect(node.spec.parameters[2].properties.repoUrl['ui:options']).toEqual({ allowedHosts: ['gitlab.example.com:8443'] });
    expect(build({ publishTemplates: false })).toEqual([]);
    expect(() => build({ templateRepositoryHosts: ['https://gitlab.com'] }))
      .toThrow('Platform/Backstage: invalid `templateRepositoryHosts[0]`: "https://gitlab.com" is not a host name: give the host of a GitLab or GitHub integration, for example gitlab.com or gitlab.example.com:8443.');
    expect(() => build({ templateRepositoryHosts: [] })).toThrow(/invalid `templateRepositoryHosts`: is empty: name the host of at least one GitLab or GitHub integration/);
  });

  test('the container environment, fed to Backstage\'s config loader over the create-app configuration, resolves database, base URLs, backend secret and catalog provider', async () => {
    const container = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    const env: Record<string, string> = {};
    for (const e of container.Environment) env[e.Name] = renderValue(e.Value, ref => (ref.endsWith('Endpoint.Address') ? 'backstage-db.cluster-abc.eu-west-1.rds.amazonaws.com' : `<${ref}>`));
    // What ECS injects for each secret at task start.
    Object.assign(env, { POSTGRES_USER: 'backstage', POSTGRES_PASSWORD: 'generated-password', APP_CONFIG_backend_auth_keys: '[{"secret":"generated-backend-secret"}]' });
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const { appConfigs } = await loadConfig({
        configRoot: path.join(__dirname, '..', 'fixtures', 'backstage'),
        configTargets: [{ path: path.join(__dirname, '..', 'fixtures', 'backstage', 'app-config.yaml') }, { path: path.join(__dirname, '..', 'fixtures', 'backstage', 'app-config.production.yaml') }],
        experimentalEnvFunc: async name => process.env[name],
      });
      const { ConfigReader } = jest.requireActual('@backstage/config');
      const config = ConfigReader.fromConfigs(appConfigs);
      expect(config.getString('backend.database.client')).toBe('pg');
      // Backstage reads the connection as a whole value: the production file's object wins.
      expect(config.get('backend.database.connection')).toEqual({
        host: 'backstage-db.cluster-abc.eu-west-1.rds.amazonaws.com', port: '5432', user: 'backstage', password: 'generated-password',
      });
      expect(config.getString('app.baseUrl')).toBe('https://backstage.example.com');
      expect(config.getString('backend.baseUrl')).toBe('https://backstage.example.com');
      expect(config.getConfigArray('backend.auth.keys')[0].getString('secret')).toBe('generated-backend-secret');
      expect(config.getConfig('catalog.providers.awsS3.harmonixEnvironments').get()).toMatchObject({ prefix: 'harmonix/', region: 'eu-west-1' });
      // The published templates are a kind create-app's rules leave out: the catalog takes them too.
      expect(config.get('catalog.rules')).toEqual([{ allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Template'] }]);
    } finally {
      process.env = saved;
    }
  });

  test('cdk-nag AwsSolutionsChecks: zero unsuppressed errors and warnings', () => {
    const { app } = platform({}, testApp(), false);
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('BackstageOnFargate choices', () => {
  test('sign-in at the load balancer with an OIDC provider, or a Cognito user pool', () => {
    const oidc = platform({
      certificate: acm.Certificate.fromCertificateArn(new Stack(), 'C', CERTIFICATE_ARN) as any,
      hostedZone: undefined,
      domainName: 'backstage.example.com',
      signIn: BackstageSignIn.oidc({
        issuer: 'https://idp.example.com',
        authorizationEndpoint: 'https://idp.example.com/authorize',
        tokenEndpoint: 'https://idp.example.com/token',
        userInfoEndpoint: 'https://idp.example.com/userinfo',
        clientId: 'backstage',
        clientSecret: SecretValue.secretsManager('backstage/oidc'),
      }),
    });
    oidc.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, DefaultActions: [Match.objectLike({ Type: 'authenticate-oidc', AuthenticateOidcConfig: Match.objectLike({ Issuer: 'https://idp.example.com', ClientId: 'backstage' }) }), Match.objectLike({ Type: 'forward' })],
    });
    const app = testApp();
    const stack = new Stack(app, 'Platform', { env: TEST_ENV });
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'client');
    const domain = cognito.UserPoolDomain.fromDomainName(stack, 'Domain', 'backstage-login');
    new BackstageOnFargate(stack, 'Backstage', {
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
      signIn: BackstageSignIn.cognito({ userPool, userPoolClient: client, userPoolDomain: domain }),
      imageTag: IMAGE_TAG,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, DefaultActions: [Match.objectLike({ Type: 'authenticate-cognito' }), Match.objectLike({ Type: 'forward' })],
    });
  });

  test('an existing VPC is used as it is: no VPC, NAT or flow logs of its own', () => {
    const app = testApp();
    const stack = new Stack(app, 'Platform', { env: TEST_ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
      privateSubnetIds: ['subnet-0a1b2c3d4e5f60721', 'subnet-0a1b2c3d4e5f60722'],
    });
    const backstage = new BackstageOnFargate(stack, 'Backstage', { vpc, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN), imageTag: IMAGE_TAG });
    const template = Template.fromStack(stack);
    expect(backstage.vpc).toBe(vpc);
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog']) template.resourceCountIs(type, 0);
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-0a1b2c3d4e5f60721', 'subnet-0a1b2c3d4e5f60722'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'] });
  });

  test('a development portal over plain HTTP only when asked', () => {
    const app = testApp();
    const stack = new Stack(app, 'Platform', { env: TEST_ENV });
    new BackstageOnFargate(stack, 'Backstage', { allowInsecureHttp: true, retainData: false, databaseMaxCapacity: 4, imageTag: IMAGE_TAG });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
    template.hasResource('AWS::RDS::DBCluster', { Properties: Match.objectLike({ DeletionProtection: false, ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 } }), DeletionPolicy: 'Delete' });
  });

  test('a development portal (retainData: false): no deletion protection, its bucket auto-delete function logs with the key too; each as asked', () => {
    const dev = (props: Partial<BackstageOnFargateProps>, context: Record<string, unknown> = {}) => {
      const stack = new Stack(testApp({ context }), 'Platform', { env: TEST_ENV });
      new BackstageOnFargate(stack, 'Backstage', { allowInsecureHttp: true, imageTag: IMAGE_TAG, ...props });
      return Template.fromStack(stack);
    };
    const protectedLb = (t: Template) => Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]
      .Properties.LoadBalancerAttributes.find((a: any) => a.Key === 'deletion_protection.enabled').Value;
    expect([
      protectedLb(dev({ retainData: false })),
      protectedLb(dev({ retainData: false, deletionProtection: true })),
      protectedLb(dev({ deletionProtection: false })),
    ]).toEqual(['false', 'true', 'false']);
    // With aws-cdk-lib's recommended flags too: every log group of the stack has the key and a retention.
    const t = dev({ retainData: false, logRetention: logs.RetentionDays.ONE_WEEK }, { '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true });
    const groups = t.findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).filter(g => !g.Properties.KmsKeyId || !g.Properties.RetentionInDays)).toEqual([]);
    const names = Object.values(t.findResources('AWS::Lambda::Function')).map(f => groups[f.Properties.LoggingConfig.LogGroup.Ref].Properties.LogGroupName);
    expect(names.sort()).toEqual([
      '/harmonix/platform/backstage/custom-resources/catalog-files',
      '/harmonix/platform/backstage/custom-resources/s3-auto-delete-objects/handler',
      '/harmonix/platform/backstage/custom-resources/vpc-default-security-group/handler',
    ]);
  });

  test('allowAllOutbound: the tasks may send anything anywhere', () => {
    const { template } = platform({ allowAllOutbound: true });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'harmonix-cdk Backstage tasks',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1', Description: 'Allow all outbound traffic by default' }],
    });
  });

  test.each([
    ['a domain without zone or certificate', { hostedZone: undefined }, /invalid `hostedZone`: is required with domainName backstage.example.com when no certificate is given/],
    ['minimum capacity above maximum', { databaseMinCapacity: 4, databaseMaxCapacity: 2 }, /invalid `databaseMaxCapacity`: 2 must be an Aurora capacity from 1 to 256 in steps of 0.5, not below databaseMinCapacity 4/],
    ['a cpu/memory pair Fargate rejects', { cpu: 1024, memoryLimitMiB: 1024 }, /invalid `memoryLimitMiB`: Fargate does not run 1024 MiB with cpu 1024/],
    ['no image and no tag of the created repository', { imageTag: undefined }, /Platform\/Backstage: invalid `imageTag`: is required when the construct creates the repository/],
    ['the moving tag "latest"', { imageTag: 'latest' }, /Platform\/Backstage: invalid `imageTag`: "latest" moves with every push; pin the image/],
    ['a tag Docker refuses', { imageTag: '-v1 bad' }, /Platform\/Backstage: invalid `imageTag`: "-v1 bad" is neither an image tag .* nor a digest/],
    ['a tag beside an image', { image: ecs.ContainerImage.fromRegistry('ghcr.io/acme/backstage:1.0.0') }, /Platform\/Backstage: invalid `imageTag`: goes with the repository the construct creates/],
    ['a domain outside its hosted zone', { domainName: 'backstage.example.org' }, /Platform\/Backstage: invalid `domainName`: "backstage.example.org" is outside the hosted zone example.com/],
    ['a domain that is not ASCII', { domainName: 'portal.bücher.example.com' }, /invalid `domainName`: "portal.bücher.example.com" is not ASCII: give an internationalized domain in its punycode form/],
    ['a domain with a space', { domainName: 'my portal.example.com' }, /invalid `domainName`: "my portal.example.com" is not a domain name/],
    ['an OIDC endpoint over plain HTTP', {
      hostedZone: undefined,
      certificate: acm.Certificate.fromCertificateArn(new Stack(), 'C', CERTIFICATE_ARN) as any,
      signIn: BackstageSignIn.oidc({
        issuer: 'https://idp.example.com',
        authorizationEndpoint: 'https://idp.example.com/authorize',
        tokenEndpoint: 'http://idp.example.com/token',
        userInfoEndpoint: 'https://idp.example.com/userinfo',
        clientId: 'backstage',
        clientSecret: SecretValue.secretsManager('backstage/oidc'),
      }),
    }, /Platform\/Backstage: invalid `signIn.oidc.tokenEndpoint`: "http:\/\/idp.example.com\/token" is not an https:\/\/ URL/],
    ['a variable name a container refuses', { environment: { 'GITHUB TOKEN': 'x' } }, /Platform\/Backstage: invalid `environment.GITHUB TOKEN`: "GITHUB TOKEN" is not an environment variable name/],
    ['a variable the construct sets', { environment: { POSTGRES_HOST: 'other-db.example.com' } }, /Platform\/Backstage: invalid `environment.POSTGRES_HOST`: is set by the construct itself/],
    ['a secret the construct sets', { secrets: { POSTGRES_PASSWORD: {} as any } }, /Platform\/Backstage: invalid `secrets.POSTGRES_PASSWORD`: is set by the construct itself/],
    ['a base URL the construct sets from domainName', { environment: { APP_CONFIG_app_baseUrl: 'https://other.example.com' } },
      /invalid `environment.APP_CONFIG_app_baseUrl`: is set by the construct itself/],
    ['a variable given twice', { environment: { GITHUB_TOKEN: 'x' }, secrets: { GITHUB_TOKEN: {} as any } }, /invalid `secrets.GITHUB_TOKEN`: is given both as an environment variable and as a secret/],
    ['an empty owner', { environmentOwner: '' }, /Platform\/Backstage: invalid `environmentOwner`: "" is not a Backstage entity reference/],
    ['a task role name IAM refuses', { taskRoleName: 'backstage task' }, /Platform\/Backstage: invalid `taskRoleName`: "backstage task" is not an IAM name/],
    ['plain HTTP without the flag', { hostedZone: undefined, domainName: undefined }, /invalid `certificate`: or `domainName` with `hostedZone` is required: the portal is served over HTTPS only/],
  ])('refused: %s', (_case, props, message) => {
    expect(() => platform(props as any)).toThrow(message);
  });

  test('refused: the same environment added twice', () => {
    const { stack, backstage } = platform();
    expect(() => backstage.addEnvironment(HarmonixEnvironment.fromDescriptorJson(stack, 'DevAgain', DEV)))
      .toThrow(/Platform\/Backstage: invalid `addEnvironment\(Platform\/DevAgain\)`: environment dev is added already \(by Platform\/Dev\); add each environment once/);
  });
});
