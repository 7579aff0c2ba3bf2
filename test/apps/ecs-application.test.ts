import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AppBucket, AppDatabase, AppQueue, AppSecret, EcsApplication, EcsApplicationProps } from '../../src';
import { CERTIFICATE_ARN } from '../fixtures/app';
import { AppTarget, ECS_TARGETS, importedEcs, importedEcsPlain, importedServerless } from '../fixtures/app-environments';
import { allIdentityStatements, actionsOf } from '../fixtures/iam';
import { nagFindings } from '../fixtures/nag';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** An ECS app with the props a shared load balancer needs, or none when the environment has none. */
function orders(target: AppTarget, shared: boolean, props: Partial<EcsApplicationProps> = {}): EcsApplication {
  return new EcsApplication(target.stack, 'Orders', {
    environment: target.env,
    appName: 'orders',
    image: IMAGE,
    ...(shared ? { priority: 10, hostHeaders: ['orders.dev.example.com'] } : {}),
    ...props,
  });
}

const tagged = (app: string) => Match.arrayWith([{ Key: 'harmonix:app', Value: app }, { Key: 'harmonix:environment', Value: 'dev' }]);

describe.each(ECS_TARGETS)('EcsApplication on an ECS environment: $name', ({ target, shared }) => {
  const t = target();
  const app = orders(t, shared);
  const template = Template.fromStack(t.stack);

  test('task definition: Graviton, Fargate size, non-root, read-only root with a writable /tmp, encrypted logs with retention', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'harmonix-dev-orders',
      Cpu: '256',
      Memory: '512',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Volumes: [{ Name: 'tmp' }],
      ContainerDefinitions: [Match.objectLike({
        Name: 'app',
        User: '1000:1000',
        ReadonlyRootFilesystem: true,
        MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
        PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'orders', 'mode': 'non-blocking' }) }),
      })],
      Tags: tagged('orders'),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/harmonix/dev/orders',
      RetentionInDays: 30,
      KmsKeyId: Match.anyValue(),
    });
  });

  test('service: private subnets, no public IP, the environment\'s capacity providers, rollback, Cloud Map, tags propagated, no exec', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'orders',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      ServiceRegistries: [Match.objectLike({ RegistryArn: Match.anyValue() })],
      PropagateTags: 'SERVICE',
      EnableExecuteCommand: false,
      Tags: tagged('orders'),
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'orders', DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'A', TTL: 10 }] }) });
    const subnets = template.findResources('AWS::ECS::Service');
    const service = Object.values(subnets)[0].Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets;
    expect(t.stack.resolve(service)).toEqual(t.stack.resolve(t.env.vpc!.privateSubnets.map(s => s.subnetId)));
  });

  test('auto scaling between min and max, on CPU and on requests per target', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 70 },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }), TargetValue: 1000 },
    });
  });

  if (shared) {
    test('a host rule on the shared HTTPS listener, health checked, and the tasks open to the load balancer on the container port only', () => {
      const listenerArn = t.stack.resolve(t.env.ecs!.sharedLoadBalancer!.httpsListener.listenerArn);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        ListenerArn: t.stack.resolve(listenerArn).Ref ? Match.anyValue() : listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['orders.dev.example.com'] } }],
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, TargetType: 'ip', HealthCheckPath: '/' });
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' });
      expect(app.url).toBe('https://orders.dev.example.com');
    });

    test('the shared load balancer may reach the tasks on the container port, by a rule of the app\'s stack', () => {
      const lbGroupId = t.stack.resolve(t.env.ecs!.sharedLoadBalancer!.securityGroup.securityGroupId);
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties);
      expect(egress).toEqual([{
        GroupId: lbGroupId,
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersSecurityGroup/), 'GroupId'] },
        Description: expect.any(String),
      }]);
    });
  } else {
    test('without a shared load balancer: its own internal one, access-logged, reached from the VPC on HTTP only', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internal',
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 80, ToPort: 80 })],
      });
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    });
  }

  test('the tasks send HTTPS (443) anywhere and nothing else by default', () => {
    const tasks = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find((g: any) => g.Properties.GroupDescription === 'harmonix app orders in dev: tasks')!;
    expect(tasks.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS: AWS APIs, image registries and web APIs' },
    ]);
  });

  test('the URL as an output and at /harmonix/apps/<app>/<environment>/url', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/apps/orders/dev/url', Type: 'String', Tags: Match.objectLike({ 'harmonix:app': 'orders' }) });
    expect(Object.values(template.toJSON().Outputs).some((o: any) => /URL of app orders in environment dev/.test(o.Description))).toBe(true);
  });

  test('cdk-nag AwsSolutionsChecks: zero unsuppressed errors and warnings (with a bound bucket)', () => {
    const n = target();
    const nagged = orders(n, shared);
    nagged.bind(new AppBucket(n.stack, 'Files', { environment: n.env }));
    expect(nagFindings(n.app)).toEqual([]);
  });
});

describe('EcsApplication choices', () => {
  test('an ECR repository and tag, sizes, counts and scaling targets, variables and secrets', () => {
    const t = importedEcs();
    const repository = ecr.Repository.fromRepositoryName(t.stack, 'Repo', 'shop/orders');
    orders(t, true, {
      image: undefined,
      repository,
      imageTag: '4f2a9c1',
      cpu: 1024,
      memoryLimitMiB: 3072,
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      minCount: 2,
      maxCount: 10,
      desiredCount: 3,
      targetCpuUtilizationPercent: 55,
      requestsPerTarget: 300,
      environmentVariables: { LOG_LEVEL: 'info' },
      readonlyRootFilesystem: false,
      user: 'node',
      logRetention: logs.RetentionDays.ONE_YEAR,
      pathPatterns: ['/orders/*'],
      healthCheckPath: '/health',
    });
    const template = Template.fromStack(t.stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '3072',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      Volumes: Match.absent(),
      ContainerDefinitions: [Match.objectLike({
        User: 'node',
        ReadonlyRootFilesystem: false,
        Environment: [{ Name: 'LOG_LEVEL', Value: 'info' }],
      })],
    });
    const image = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0].Image;
    expect(JSON.stringify(image)).toMatch(/shop\/orders:4f2a9c1"/);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/orders/*'] } }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/harmonix/dev/orders', RetentionInDays: 365 });
  });

  test('an image from a repository in the platform account: pulled with the execution role, nag-clean, sign-in the only "*"', () => {
    const fromPlatform = (t: AppTarget) => orders(t, true, {
      image: undefined,
      repository: ecr.Repository.fromRepositoryAttributes(t.stack, 'Repo', {
        repositoryArn: 'arn:aws:ecr:eu-west-1:222222222222:repository/shop/orders', repositoryName: 'shop/orders',
      }),
      imageTag: '4f2a9c1',
    });
    const t = importedEcs();
    fromPlatform(t);
    const statements = allIdentityStatements(Template.fromStack(t.stack));
    const pull = statements.find(s => actionsOf(s).includes('ecr:BatchGetImage'))!;
    expect(pull.Resource).toBe('arn:aws:ecr:eu-west-1:222222222222:repository/shop/orders');
    const anywhere = statements.filter(s => [s.Resource].flat().includes('*'));
    expect(anywhere.map(actionsOf)).toEqual([['ecr:GetAuthorizationToken']]);
    const n = importedEcs();
    fromPlatform(n);
    expect(nagFindings(n.app)).toEqual([]);
  });

  test('its own internet-facing HTTPS load balancer: TLS 1.2+, HTTP redirected, the app\'s domain as URL', () => {
    const internetFacing = (t: AppTarget) => orders(t, false, {
      loadBalancer: { internetFacing: true, certificate: acm.Certificate.fromCertificateArn(t.stack, 'Cert', CERTIFICATE_ARN), domainName: 'orders.example.com' },
    });
    const t = importedEcsPlain();
    const app = internetFacing(t);
    const template = Template.fromStack(t.stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    expect(app.url).toBe('https://orders.example.com');
    const n = importedEcsPlain();
    internetFacing(n);
    expect(nagFindings(n.app)).toEqual([]);
  });

  test('a bound database opens its port from the tasks to its security group; allowAllOutbound opens everything', () => {
    const t = importedEcs();
    orders(t, true).bind(new AppDatabase(t.stack, 'Db', { environment: t.env }));
    const template = Template.fromStack(t.stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersSecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbClusterSecurityGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbClusterSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersSecurityGroup'), 'GroupId'] },
      FromPort: 5432,
    });
    const open = importedEcs();
    orders(open, true, { allowAllOutbound: true });
    Template.fromStack(open.stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'harmonix app orders in dev: tasks',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1', Description: 'Allow all outbound traffic by default' }],
    });
  });

  test('no action with a wildcard in any policy of an app stack, every kind of data bound', () => {
    const t = importedEcs();
    const app = orders(t, true);
    app.bind(new AppBucket(t.stack, 'Files', { environment: t.env }));
    app.bind(new AppDatabase(t.stack, 'Db', { environment: t.env }));
    app.bind(new AppQueue(t.stack, 'Jobs', { environment: t.env }));
    app.bind(new AppSecret(t.stack, 'Key', { environment: t.env }));
    const wildcard = allIdentityStatements(Template.fromStack(t.stack)).flatMap(actionsOf).filter(a => a.includes('*'));
    expect(wildcard).toEqual([]);
  });
});

describe('EcsApplication refuses bad input with one sentence', () => {
  const make = (props: Partial<EcsApplicationProps>, target = importedEcs) => () => orders(target(), true, props);

  test.each([
    ['a serverless environment', () => new EcsApplication(importedServerless().stack, 'Orders', { environment: importedServerless().env, appName: 'orders', image: IMAGE }), /invalid `environment`/],
    ['a port out of range', make({ containerPort: 70000 }), /AppStack\/Orders: invalid `containerPort`: 70000 is out of range; use a whole number from 1 to 65535/],
    ['a cpu Fargate does not have', make({ cpu: 300 }), /invalid `cpu`: 300 is not a Fargate task size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384/],
    ['a memory Fargate does not pair with the cpu', make({ cpu: 256, memoryLimitMiB: 4096 }), /invalid `memoryLimitMiB`: Fargate does not run 4096 MiB with cpu 256; use 512, 1024, 2048 MiB/],
    ['a memory off the step', make({ cpu: 1024, memoryLimitMiB: 2500 }), /use 2048 to 8192 in steps of 1024 MiB/],
    ['an app name that is not a DNS label', make({ appName: 'Orders_API' }), /invalid `appName`: "Orders_API" is not a DNS label/],
    ['no priority on a shared load balancer', make({ priority: undefined }), /invalid `priority`: environment dev routes apps through its shared load balancer: give the app's rule a priority/],
    ['neither host nor path', make({ hostHeaders: undefined }), /hostHeaders`: or `pathPatterns` must be given/],
    ['a priority out of range', make({ priority: 0 }), /invalid `addRoute\(Route\).priority`: 0 is out of range/],
    ['both image and repository', make({ repository: {} as ecr.IRepository }), /invalid `image`: and `repository` are both given/],
    ['a repository without tag', make({ image: undefined, repository: {} as ecr.IRepository }), /invalid `imageTag`: is required with `repository`/],
    ['the root user', make({ user: '0' }), /invalid `user`: "0" runs the container as root/],
    ['maxCount below minCount', make({ minCount: 5, maxCount: 2 }), /invalid `maxCount`: 2 is below minCount 5/],
    ['a shared-route prop with an own load balancer', make({ loadBalancer: {} }), /invalid `priority`: applies to the environment's shared load balancer, and this app has chosen its own/],
    ['six rule condition values (a load balancer rule takes five)', make({ hostHeaders: ['a.example.com', 'b.example.com', 'c.example.com'], pathPatterns: ['/a', '/b', '/c'] }),
      /AppStack\/Orders: invalid `hostHeaders`: and `pathPatterns` give 6 values .*; a load balancer rule takes at most 5 in all/],
    ['a host header with a space', make({ hostHeaders: ['orders example.com'] }), /AppStack\/Orders: invalid `hostHeaders\[0\]`: "orders example.com" is not a host header/],
    ['a non-ASCII host header', make({ hostHeaders: ['bestellungen.bücher.example'] }), /invalid `hostHeaders\[0\]`: .* \(an internationalized name in its xn-- form\)/],
    ['a path pattern without its slash', make({ hostHeaders: undefined, pathPatterns: ['orders/*'] }), /invalid `pathPatterns\[0\]`: "orders\/\*" is not a path pattern/],
    ['a host header twice', make({ hostHeaders: ['orders.example.com', 'ORDERS.example.com'] }), /invalid `hostHeaders\[1\]`: "ORDERS.example.com" is given twice/],
    ['a health-check path without its slash', make({ healthCheckPath: 'health' }), /AppStack\/Orders: invalid `healthCheckPath`: "health" is not a health-check path/],
    ['a tag that is no image tag', make({ image: undefined, repository: ecr.Repository.fromRepositoryName(new Stack(), 'R', 'orders'), imageTag: 'v1 final' }),
      /invalid `imageTag`: "v1 final" is neither an image tag/],
    ['an own load balancer\'s domain that is not ASCII', () => orders(importedEcsPlain(), false, { loadBalancer: { domainName: 'bestellungen.bücher.example' } }),
      /invalid `loadBalancer.domainName`: "bestellungen.bücher.example" is not ASCII/],
    ['an internet-facing load balancer without certificate', () => orders(importedEcsPlain(), false, { loadBalancer: { internetFacing: true } }),
      /invalid `loadBalancer.certificate`: is required for an internet-facing load balancer/],
  ])('%s', (_case, build, message) => {
    expect(build).toThrow(message);
  });

  test('a listener rule priority clash within one environment names the holder', () => {
    const t = importedEcs();
    orders(t, true);
    expect(() => new EcsApplication(t.stack, 'Payments', { environment: t.env, appName: 'payments', image: IMAGE, priority: 10, hostHeaders: ['pay.dev.example.com'] }))
      .toThrow(/AppStack\/Payments: invalid `addRoute\(Route\).priority`: 10 is taken by AppStack\/Orders on the shared load balancer of environment dev/);
  });

  test('a clash is seen across the stacks of one app that import the same environment', () => {
    const t = importedEcs();
    orders(t, true);
    const other = new Stack(t.app, 'OtherAppStack', { env: { account: t.env.account, region: t.env.region } });
    const { HarmonixEnvironment } = jest.requireActual('../../src');
    const env = HarmonixEnvironment.fromDescriptor(other, 'Env', t.env.descriptor);
    expect(() => new EcsApplication(other, 'Payments', { environment: env, appName: 'payments', image: IMAGE, priority: 10, hostHeaders: ['pay.dev.example.com'] }))
      .toThrow(/10 is taken by AppStack\/Orders on/);
  });

  test('a stack in another account', () => {
    const t = importedEcs();
    const elsewhere = new Stack(t.app, 'Elsewhere', { env: { account: '999999999999', region: 'eu-west-1' } });
    expect(() => new EcsApplication(elsewhere, 'Orders', { environment: t.env, appName: 'orders', image: IMAGE, priority: 1, hostHeaders: ['a.example.com'] }))
      .toThrow(/Elsewhere\/Orders: invalid `environment`: environment dev is in account 111111111111, region eu-west-1; deploy the app from a stack there \(this one is 999999999999, eu-west-1\)/);
  });
});
