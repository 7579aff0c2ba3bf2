import { readAssembly } from '../../src/cli/assembly';
import { CostKind, estimateCost } from '../../src/cli/cost/estimate';
import { HOURS_PER_MONTH, PRICES } from '../../src/cli/cost/prices';
import { writeAssembly } from '../fixtures/assembly';

const p = PRICES['us-east-1'];
const month = (hourly: number) => hourly * HOURS_PER_MONTH;
const cents = (n: number) => Math.round(n * 100) / 100;

/** Every priced type at least once, with what the table says each must cost. */
const PRICED: Array<[string, Record<string, unknown>, number]> = [
  ['Nat', { Type: 'AWS::EC2::NatGateway', Properties: {} }, month(p.natGatewayHourly)],
  ['Eip', { Type: 'AWS::EC2::EIP', Properties: {} }, month(p.publicIpv4Hourly)],
  ['NatInstance', {
    Type: 'AWS::EC2::Instance',
    Properties: {
      InstanceType: 't4g.nano',
      NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: '0' }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
    },
  }, month(p.ec2Hourly['t4g.nano']) + month(p.publicIpv4Hourly) + 8 * p.ebsGbMonthly.gp3],
  ['Alb', { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Subnets: ['a', 'b'] } },
    month(p.albHourly) + 2 * month(p.publicIpv4Hourly)],
  ['Nlb', { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internal', Subnets: ['a', 'b'] } }, month(p.nlbHourly)],
  ['AuroraCluster', { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 } } }, 0],
  ['AuroraWriter', { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'AuroraCluster' }, DBInstanceClass: 'db.serverless' } },
    0.5 * month(p.auroraServerlessV2AcuHourly)],
  ['PausedCluster', { Type: 'AWS::RDS::DBCluster', Properties: { ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 } } }, 0],
  ['PausedWriter', { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'PausedCluster' }, DBInstanceClass: 'db.serverless' } }, 0],
  ['ProvisionedAurora', { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'AuroraCluster' }, DBInstanceClass: 'db.r6g.xlarge' } },
    month(p.auroraInstanceHourly['db.r6g.xlarge'])],
  ['Rds', { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MultiAZ: true } },
    2 * (month(p.rdsInstanceHourly['db.t4g.micro']) + 20 * p.rdsStorageGbMonthly)],
  ['TaskDef', { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512', Memory: '1024', RequiresCompatibilities: ['FARGATE'], RuntimePlatform: { CpuArchitecture: 'ARM64' } } }, 0],
  ['Service', { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 2, TaskDefinition: { Ref: 'TaskDef' }, LaunchType: 'FARGATE' } },
    2 * month(0.5 * p.fargate.ARM64.vcpuHourly + 1 * p.fargate.ARM64.gbHourly)],
  ['X86TaskDef', { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1024', Memory: '2048', RequiresCompatibilities: ['FARGATE'] } }, 0],
  ['HalfSpotService', {
    Type: 'AWS::ECS::Service',
    Properties: { DesiredCount: 4, TaskDefinition: { Ref: 'X86TaskDef' }, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] },
  }, 2 * month(1 * p.fargate.X86_64.vcpuHourly + 2 * p.fargate.X86_64.gbHourly)],
  ['Template', { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 't3.medium', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3' } }] } } }, 0],
  ['Asg', { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '4', DesiredCapacity: '2', LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' } } } },
    2 * month(p.ec2Hourly['t3.medium']) + 2 * 30 * p.ebsGbMonthly.gp3],
  ['SpotAsg', {
    Type: 'AWS::AutoScaling::AutoScalingGroup',
    Properties: {
      MinSize: '3',
      MaxSize: '6',
      MixedInstancesPolicy: {
        LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Template' } }, Overrides: [{ InstanceType: 't3.medium' }] },
        InstancesDistribution: { OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0 },
      },
    },
  }, month(p.ec2Hourly['t3.medium']) + 3 * 30 * p.ebsGbMonthly.gp3],
  ['ZeroAsg', { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '10', LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' } } } }, 0],
  ['Volume', { Type: 'AWS::EC2::Volume', Properties: { Size: 100, VolumeType: 'gp2' } }, 100 * p.ebsGbMonthly.gp2],
  ['Eks', { Type: 'AWS::EKS::Cluster', Properties: {} }, month(p.eksClusterHourly)],
  ['Nodes', { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: ['m7g.large'], ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 4 }, DiskSize: 40 } },
    2 * month(p.ec2Hourly['m7g.large']) + 2 * 40 * p.ebsGbMonthly.gp3],
  ['SpotNodes', { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: ['m7g.large'], CapacityType: 'SPOT', ScalingConfig: { MinSize: 1, DesiredSize: 1 } } },
    20 * p.ebsGbMonthly.gp3],
  ['NoNodes', { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: ['m7g.large'], ScalingConfig: { MinSize: 0, DesiredSize: 0 } } }, 0],
  ['Endpoint', { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b', 'c'] } }, 3 * month(p.interfaceEndpointHourlyPerAz)],
  ['S3Endpoint', { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } }, 0],
  ['Waf', { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}] } }, p.wafWebAclMonthly + 3 * p.wafRuleMonthly],
  ['Key', { Type: 'AWS::KMS::Key', Properties: {} }, p.kmsKeyMonthly],
  ['Secret', { Type: 'AWS::SecretsManager::Secret', Properties: {} }, p.secretMonthly],
  ['Zone', { Type: 'AWS::Route53::HostedZone', Properties: {} }, p.hostedZoneMonthly],
  ['Namespace', { Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace', Properties: {} }, p.hostedZoneMonthly],
  ['Alarm', { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 300 } }, p.alarmMonthly.standard],
  ['FastAlarm', { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 10 } }, p.alarmMonthly.highResolution],
  // A V1 pipeline (CloudFormation's default type) is charged by the month; V2 only by action minute.
  ['PipelineV1', { Type: 'AWS::CodePipeline::Pipeline', Properties: {} }, p.codePipelineV1Monthly],
  ['PipelineV2', { Type: 'AWS::CodePipeline::Pipeline', Properties: { PipelineType: 'V2' } }, 0],
  ['ProvisionedTable', { Type: 'AWS::DynamoDB::Table', Properties: { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } },
    month(5 * p.dynamodbRcuHourly + 5 * p.dynamodbWcuHourly)],
];

describe('harmonix cost: the estimator', () => {
  const nested = { Resources: { NestedNat: { Type: 'AWS::EC2::NatGateway', Properties: {} }, NestedBucket: { Type: 'AWS::S3::Bucket' } } };
  const dir = writeAssembly([{
    name: 'Platform',
    region: 'us-east-1',
    template: {
      Parameters: { InstanceType: { Type: 'String', Default: 't4g.small' } },
      Resources: {
        ...Object.fromEntries(PRICED.map(([id, r]) => [id, r])),
        FromParameter: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: { Ref: 'InstanceType' } } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
        Function: { Type: 'AWS::Lambda::Function', Properties: {} },
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Mystery: { Type: 'AWS::Timestream::Database', Properties: {} },
        Computed: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: { 'Fn::FindInMap': ['Sizes', 'dev', 'type'] } } },
        Child: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'PlatformChild.nested.template.json' }, Properties: {} },
      },
    },
    nested: { 'PlatformChild.nested.template.json': nested },
  }]);
  const report = estimateCost(readAssembly(dir));
  const lines = report.stacks[0].lines;
  const of = (id: string) => lines.filter(l => l.logicalId === id || l.logicalId.startsWith(`${id} (`));

  test.each(PRICED.map(([id, , expected]) => [id, expected]))('%s costs what the price table says', (id, expected) => {
    expect(cents(of(id as string).reduce((sum, l) => sum + l.monthlyUsd, 0))).toBeCloseTo(cents(expected as number), 2);
  });

  test('paused Aurora costs nothing idle; a minimum capacity costs its ACUs', () => {
    expect(of('PausedWriter')[0].detail).toMatch(/0 ACU: pauses when idle/);
    expect(of('AuroraWriter')[0].detail).toMatch(/minimum 0.5 ACU/);
  });

  test('Spot is noted, not guessed', () => {
    const spot = lines.filter(l => l.kind === CostKind.SPOT);
    expect(spot.map(l => [l.logicalId, l.monthlyUsd])).toEqual([['HalfSpotService', 0], ['SpotAsg (Spot)', 0], ['SpotNodes', 0]]);
    expect(spot.map(l => l.detail).join()).toMatch(/2 Fargate Spot task.*not guessed.*2 Spot instance.*1 Spot node\(s\) \(m7g.large\)/);
  });

  test('a parameter default decides a value; a value computed at deployment is listed, not priced', () => {
    expect(of('FromParameter')[0]).toMatchObject({ kind: CostKind.PRICED, monthlyUsd: month(p.ec2Hourly['t4g.small']) });
    expect(of('Computed')[0]).toMatchObject({ kind: CostKind.UNKNOWN, monthlyUsd: 0, detail: 'instance: instance type not known at synth' });
  });

  test('usage-priced, free and unknown types are listed, never priced or dropped', () => {
    expect(of('Table')[0].kind).toBe(CostKind.USAGE);
    expect(of('Function')[0].kind).toBe(CostKind.USAGE);
    expect(of('Role')[0].kind).toBe(CostKind.FREE);
    expect(of('PipelineV2')[0]).toMatchObject({ kind: CostKind.USAGE, detail: 'V2 pipeline: action execution minutes, by usage' });
    expect(of('Mystery')[0]).toMatchObject({ kind: CostKind.UNKNOWN, detail: 'not in the price table' });
    expect(lines.length).toBeGreaterThanOrEqual(PRICED.length + 7);
  });

  test('nested stacks are followed and their resources priced under their parent', () => {
    expect(of('Child/NestedNat')[0]).toMatchObject({ kind: CostKind.PRICED, monthlyUsd: month(p.natGatewayHourly) });
    expect(of('Child/NestedBucket')[0].kind).toBe(CostKind.USAGE);
  });

  test('the stack total and the grand total are the sum of the priced lines', () => {
    const expected = PRICED.reduce((sum, [, , usd]) => sum + usd, 0) + month(p.ec2Hourly['t4g.small']) + month(p.natGatewayHourly);
    expect(report.stacks[0].monthlyUsd).toBeCloseTo(expected, 1);
    expect(report.totalMonthlyUsd).toBe(report.stacks[0].monthlyUsd);
  });

  test('each stack is priced in its own region; --region overrides', () => {
    const both = writeAssembly([
      { name: 'A', region: 'eu-west-1', template: { Resources: { Nat: { Type: 'AWS::EC2::NatGateway' } } } },
      { name: 'B', region: 'us-east-1', template: { Resources: { Nat: { Type: 'AWS::EC2::NatGateway' } } } },
    ]);
    expect(estimateCost(readAssembly(both)).stacks.map(s => [s.region, s.monthlyUsd]))
      .toEqual([['eu-west-1', cents(month(PRICES['eu-west-1'].natGatewayHourly))], ['us-east-1', cents(month(p.natGatewayHourly))]]);
    expect(estimateCost(readAssembly(both), 'eu-central-1').stacks.map(s => s.region)).toEqual(['eu-central-1', 'eu-central-1']);
  });

  test('an Ingress costs the load balancer its controller creates: once per group across stacks, once per Ingress without a group', () => {
    const ingress = (group?: string) => ({
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: {
        Manifest: { 'Fn::Join': ['', [`[{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"annotations":{${group ? `"alb.ingress.kubernetes.io/group.name":"${group}",` : ''}"alb.ingress.kubernetes.io/certificate-arn":"`, { Ref: 'Cert' }, '"}}}]']] },
      },
    });
    const deployment = { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Properties: { Manifest: '[{"apiVersion":"apps/v1","kind":"Deployment"}]' } };
    const staging = writeAssembly([
      { name: 'OrdersStaging', region: 'us-east-1', template: { Resources: { OrdersIngress: ingress('harmonix-staging'), OrdersDeployment: deployment } } },
      { name: 'ShopStaging', region: 'us-east-1', template: { Resources: { ShopIngress: ingress('harmonix-staging'), Lone: ingress() } } },
    ]);
    const [orders, shop] = estimateCost(readAssembly(staging)).stacks;
    const balancer = month(p.albHourly) + 2 * month(p.publicIpv4Hourly);
    expect(orders.monthlyUsd).toBeCloseTo(cents(balancer), 2);
    expect(orders.lines.find(l => l.logicalId === 'OrdersIngress')!.detail).toMatch(/application load balancer the cluster creates for group harmonix-staging/);
    expect(orders.lines.find(l => l.logicalId === 'OrdersDeployment')).toMatchObject({ kind: CostKind.FREE });
    expect(shop.lines.find(l => l.logicalId === 'ShopIngress')).toMatchObject({ kind: CostKind.FREE, detail: 'Ingress: shares the load balancer of group harmonix-staging (priced with OrdersStaging)' });
    expect(shop.monthlyUsd).toBeCloseTo(cents(balancer), 2);
  });
});
