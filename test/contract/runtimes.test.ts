import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EcsEnvironment, HarmonixEnvironment, IHarmonixEnvironment, ServerlessEnvironment } from '../../src';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, TEST_ENV, testApp, testStack } from '../fixtures/app';
import { deployedDescriptorJson } from '../fixtures/deployed';

/** A small Fargate service on an environment's cluster, as an app stack would write it. */
function webService(scope: Construct, env: IHarmonixEnvironment): ecs.FargateService {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', { runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64 } });
  taskDefinition.addContainer('web', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 8080 }] });
  return new ecs.FargateService(scope, 'Service', {
    cluster: env.ecs!.cluster,
    taskDefinition,
    capacityProviderStrategies: env.ecs!.defaultCapacityProviderStrategies,
    cloudMapOptions: { name: 'web', cloudMapNamespace: env.ecs!.cloudMapNamespace },
  });
}

/** The owned environment of the workload account and its deployed descriptor text. */
function ownedEcs(app: App = testApp()) {
  const stack = testStack(app, { id: 'Environment' });
  const env = new EcsEnvironment(stack, 'Dev', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } }));
  return { stack, env, json: () => deployedDescriptorJson(Template.fromStack(stack), 'Dev') };
}

const route = (service: ecs.FargateService) => ({
  service,
  priority: 10,
  containerName: 'web',
  containerPort: 8080,
  hostHeaders: ['web.dev.example.com'],
  pathPatterns: ['/api/*'],
  healthCheckPath: '/health',
});

describe('the shared load balancer, from any stack of its account and region', () => {
  test('an app stack in another CDK app, fed only the descriptor JSON, adds a service and a listener rule and reads the namespace', () => {
    const descriptor = JSON.parse(ownedEcs().json());
    const app = new App();
    const stack = new Stack(app, 'OrdersDev', { env: TEST_ENV });
    const dev = HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', JSON.stringify(descriptor));
    const service = webService(stack, dev);
    const targets = dev.ecs!.sharedLoadBalancer!.addRoute(stack, 'Web', route(service));
    const template = Template.fromStack(stack);
    const lb = descriptor.ecs.sharedLoadBalancer;

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: lb.httpsListenerArn,
      Priority: 10,
      Conditions: Match.arrayWith([
        { Field: 'host-header', HostHeaderConfig: { Values: ['web.dev.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
      ]),
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Web') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080, TargetType: 'ip', HealthCheckPath: '/health', VpcId: descriptor.network.vpcId,
    });
    // Only the service's own group is opened, from the load balancer's group, on the container port.
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: lb.securityGroupId,
    });
    // ... and the load balancer's group sends to that service's group on that port only, a rule of the app's stack.
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: lb.securityGroupId,
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::EC2::SecurityGroup'))[0], 'GroupId'] },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      Cluster: descriptor.ecs.clusterName,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ Subnets: descriptor.network.privateSubnetIds }) },
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', { NamespaceId: descriptor.ecs.namespaceId, Name: 'web' });
    expect(dev.ecs!.cloudMapNamespace.namespaceName).toBe('dev.harmonix.internal');
    expect(targets.node.path).toBe('OrdersDev/Web/Targets');
  });

  test('an app stack of the same CDK app routes to the owned environment through cross-stack references', () => {
    const app = testApp();
    const { env, stack: envStack } = ownedEcs(app);
    const appStack = testStack(app, { id: 'OrdersDev' });
    env.ecs!.sharedLoadBalancer!.addRoute(appStack, 'Web', route(webService(appStack, env)));
    const template = Template.fromStack(appStack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', { ListenerArn: { 'Fn::ImportValue': Match.stringLikeRegexp('Environment:.*Https') } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, SourceSecurityGroupId: { 'Fn::ImportValue': Match.anyValue() } });
    // The environment's stack gains nothing from the route (no rule, no security group change).
    const envTemplate = Template.fromStack(envStack);
    envTemplate.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    envTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('the load balancer sends nothing of its own accord: egress only to the routed apps\' ports, which their routes add', () => {
    const { stack } = ownedEcs();
    const template = Template.fromStack(stack);
    const group = template.findResources('AWS::EC2::SecurityGroup')[logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'DevLoadBalancerSecurityGroup')];
    // aws-cdk-lib's placeholder for "no egress": a rule no packet matches.
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('a route needs a rule and valid numbers, and a stack of the load balancer\'s account and region', () => {
    const { env, stack } = ownedEcs();
    const service = webService(stack, env);
    const lb = env.ecs!.sharedLoadBalancer!;
    expect(() => lb.addRoute(stack, 'A', { ...route(service), hostHeaders: undefined, pathPatterns: undefined }))
      .toThrow(/Environment: invalid `addRoute\(A\)\.hostHeaders`: or `pathPatterns` must be given/);
    expect(() => lb.addRoute(stack, 'B', { ...route(service), priority: 0 })).toThrow(/invalid `addRoute\(B\)\.priority`: 0 is out of range/);
    expect(() => lb.addRoute(stack, 'C', { ...route(service), containerPort: 70000 })).toThrow(/invalid `addRoute\(C\)\.containerPort`/);
    const elsewhere = new Stack(stack.node.root as App, 'OtherRegion', { env: { account: TEST_ENV.account, region: 'us-east-1' } });
    expect(() => lb.addRoute(elsewhere, 'D', route(service)))
      .toThrow('OtherRegion: invalid `addRoute(D).scope`: the shared load balancer of environment dev is in account 111111111111, region eu-west-1; add the route from a stack of that account and region (this one is 111111111111, us-east-1).');
  });

  test('an environment without a shared load balancer offers none, owned or imported', () => {
    const stack = testStack(undefined, { id: 'Environment' });
    const env = new EcsEnvironment(stack, 'Dev', baseProps());
    const imported = HarmonixEnvironment.fromDescriptorJson(testStack(testApp(), { id: 'App' }), 'Dev', deployedDescriptorJson(Template.fromStack(stack), 'Dev'));
    expect([env.ecs?.sharedLoadBalancer, imported.ecs?.sharedLoadBalancer]).toEqual([undefined, undefined]);
    expect(imported.ecs?.cluster.clusterName).toBe('harmonix-dev');
  });
});

describe('the serverless runtime, imported', () => {
  test('an app stack uploads a bundle to the imported artifact bucket, with the environment key', () => {
    const envStack = testStack(undefined, { id: 'Environment' });
    new ServerlessEnvironment(envStack, 'Qa', baseProps({ environmentName: 'qa', createVpc: true }));
    const descriptor = JSON.parse(deployedDescriptorJson(Template.fromStack(envStack), 'Qa'));

    const stack = new Stack(new App(), 'ApiQa', { env: TEST_ENV });
    const qa = HarmonixEnvironment.fromDescriptorJson(stack, 'Qa', JSON.stringify(descriptor));
    new s3deploy.BucketDeployment(stack, 'Bundle', {
      sources: [s3deploy.Source.data('bundle/version.json', '{"version":"1.0.0"}')],
      destinationBucket: qa.serverless!.artifactBucket,
      destinationKeyPrefix: 'api/1.0.0/',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: descriptor.serverless.artifactBucketName,
      DestinationBucketKeyPrefix: 'api/1.0.0/',
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: expect.arrayContaining(['s3:PutObject']), Resource: expect.arrayContaining([`${descriptor.serverless.artifactBucketArn}/*`]) }),
      expect.objectContaining({ Action: expect.arrayContaining(['kms:GenerateDataKey*']), Resource: descriptor.kmsKeyArn }),
    ]));
    expect(qa.serverless!.functionSecurityGroup?.securityGroupId).toBe(descriptor.serverless.functionSecurityGroupId);
  });
});
