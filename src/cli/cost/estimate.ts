import { HOURS_PER_MONTH, PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, PRICES, RegionPrices } from './prices';
import { AssemblyStack, Template, TemplateResource } from '../assembly';
import { CliError, ExitCode } from '../errors';
import { knownNumber, knownString, referencedId } from '../values';

/** How a resource is charged while nothing uses it. */
export enum CostKind {
  /** A fixed price by the hour or month: counted in the total. */
  PRICED = 'priced',
  /** Priced by Spot market: listed, never guessed. */
  SPOT = 'spot',
  /** Priced by requests, storage or data: nothing while idle, listed as "by usage". */
  USAGE = 'usage',
  /** No charge of its own. */
  FREE = 'free',
  /** Not in the price table, or a value the template does not decide: listed, not priced. */
  UNKNOWN = 'unknown',
}

/** One line of a cost report. */
export interface CostLine {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: CostKind;
  readonly monthlyUsd: number;
  readonly detail: string;
}

/** The idle cost of one stack (its nested stacks included, their ids prefixed). */
export interface StackCost {
  readonly stack: string;
  readonly region: string;
  readonly monthlyUsd: number;
  readonly lines: CostLine[];
}

/** What `harmonix cost --json` prints. */
export interface CostReport {
  readonly priceTable: { readonly source: string; readonly date: string; readonly hoursPerMonth: number };
  readonly totalMonthlyUsd: number;
  readonly stacks: StackCost[];
}

/** Types that cost only by use (requests, storage, data): nothing while idle. */
const USAGE_TYPES = new Set([
  'AWS::Lambda::Function', 'AWS::Lambda::Url', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::EC2::FlowLog',
  'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::StepFunctions::StateMachine',
  'AWS::ECR::Repository', 'AWS::CodeBuild::Project', 'AWS::CloudFront::Distribution', 'AWS::Events::Rule',
  'AWS::RDS::DBCluster', 'AWS::Cognito::UserPool', 'AWS::EFS::FileSystem',
]);

/** Types with no charge of their own. */
const FREE_TYPES = new Set([
  'AWS::CDK::Metadata', 'AWS::CloudFormation::Stack', 'AWS::CloudFormation::CustomResource', 'AWS::CloudFormation::WaitConditionHandle',
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile', 'AWS::IAM::OIDCProvider', 'AWS::IAM::ServiceLinkedRole',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation', 'AWS::EC2::EIPAssociation', 'AWS::EC2::KeyPair', 'AWS::EC2::PlacementGroup',
  'AWS::ECS::Cluster', 'AWS::ECS::ClusterCapacityProviderAssociations', 'AWS::ECS::TaskDefinition', 'AWS::ECS::CapacityProvider',
  'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate', 'AWS::KMS::Alias', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::Lambda::Permission', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Version',
  'AWS::Lambda::Alias', 'AWS::Lambda::LayerVersion', 'AWS::Logs::SubscriptionFilter', 'AWS::Logs::MetricFilter',
  'AWS::ServiceDiscovery::Service', 'AWS::ServiceDiscovery::HttpNamespace', 'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::LifecycleHook',
  'AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScheduledAction', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBClusterParameterGroup',
  'AWS::RDS::DBParameterGroup', 'AWS::SecretsManager::SecretTargetAttachment', 'AWS::SecretsManager::RotationSchedule',
  'AWS::SecretsManager::ResourcePolicy', 'AWS::WAFv2::WebACLAssociation', 'AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup',
  'AWS::CertificateManager::Certificate', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method', 'AWS::ApiGateway::Account', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping', 'AWS::EKS::AccessEntry',
  'AWS::EKS::PodIdentityAssociation', 'AWS::EKS::Addon', 'AWS::CodeStarNotifications::NotificationRule',
]);

const monthly = (hourly: number) => hourly * HOURS_PER_MONTH;

/** Prices the resources of one template; `prefix` names nested stacks' resources. */
class TemplatePricer {
  private readonly resources: Record<string, TemplateResource>;

  /**
   * @param ingressGroups the load balancer groups of Kubernetes Ingresses priced so far in the
   * report, with the stack that pays for each (apps of one environment share one load balancer)
   */
  constructor(private readonly template: Template, private readonly p: RegionPrices,
    private readonly stackName: string, private readonly ingressGroups: Map<string, string>) {
    this.resources = template.Resources ?? {};
  }

  public price(id: string, r: TemplateResource): CostLine[] {
    const line = (kind: CostKind, monthlyUsd: number, detail: string, logicalId = id): CostLine =>
      ({ logicalId, type: r.Type, kind, monthlyUsd: kind === CostKind.PRICED ? monthlyUsd : 0, detail });
    const props = r.Properties ?? {};
    const num = (v: unknown) => knownNumber(this.template, v);
    const str = (v: unknown) => knownString(this.template, v);
    switch (r.Type) {
      case 'AWS::EC2::NatGateway':
        return [line(CostKind.PRICED, monthly(this.p.natGatewayHourly), 'NAT gateway (data processed: by usage)')];
      case 'AWS::EC2::EIP':
        return [line(CostKind.PRICED, monthly(this.p.publicIpv4Hourly), 'public IPv4 address')];
      case 'AWS::EC2::Instance':
        return this.instance(id, r, line);
      case 'AWS::AutoScaling::AutoScalingGroup':
        return this.autoScalingGroup(id, r, line);
      case 'AWS::EC2::Volume': {
        const size = num(props.Size);
        const type = str(props.VolumeType) ?? 'gp2';
        return size === undefined || this.p.ebsGbMonthly[type] === undefined
          ? [line(CostKind.UNKNOWN, 0, `EBS volume: size or type (${type}) not known`)]
          : [line(CostKind.PRICED, size * this.p.ebsGbMonthly[type], `EBS ${type} ${size} GB`)];
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const network = str(props.Type) === 'network';
        const lines = [line(CostKind.PRICED, monthly(network ? this.p.nlbHourly : this.p.albHourly),
          `${network ? 'network' : 'application'} load balancer (capacity units: by usage)`)];
        const internetFacing = (str(props.Scheme) ?? 'internet-facing') === 'internet-facing';
        const zones = (props.Subnets ?? props.SubnetMappings ?? []).length;
        if (internetFacing && zones > 0) {
          lines.push(line(CostKind.PRICED, zones * monthly(this.p.publicIpv4Hourly), `${zones} public IPv4 addresses (one per zone)`, `${id} (addresses)`));
        }
        return lines;
      }
      case 'AWS::RDS::DBInstance':
        return this.dbInstance(r, line);
      case 'AWS::ECS::Service':
        return this.ecsService(r, line);
      case 'AWS::EKS::Nodegroup': {
        const scaling = props.ScalingConfig ?? {};
        const nodes = num(scaling.DesiredSize) ?? num(scaling.MinSize);
        if (nodes === undefined) return [line(CostKind.UNKNOWN, 0, 'EKS node group: size not known at synth')];
        if (nodes === 0) return [line(CostKind.PRICED, 0, 'EKS node group at zero nodes')];
        const type = str((props.InstanceTypes ?? [])[0]) ?? 't3.medium';
        const disk = num(props.DiskSize) ?? 20;
        if (str(props.CapacityType) === 'SPOT') {
          return [line(CostKind.SPOT, 0, `${nodes} Spot node(s) (${type}): Spot market price, not guessed`),
            line(CostKind.PRICED, nodes * disk * this.p.ebsGbMonthly.gp3, `${nodes} x EBS gp3 ${disk} GB`, `${id} (volumes)`)];
        }
        return [this.ec2(type, nodes, 'node(s) at desired size', line),
          line(CostKind.PRICED, nodes * disk * this.p.ebsGbMonthly.gp3, `${nodes} x EBS gp3 ${disk} GB`, `${id} (volumes)`)];
      }
      case 'AWS::EKS::Cluster':
        return [line(CostKind.PRICED, monthly(this.p.eksClusterHourly), 'EKS control plane')];
      case 'AWS::EC2::VPCEndpoint': {
        const type = str(props.VpcEndpointType) ?? 'Gateway';
        if (type === 'Gateway') return [line(CostKind.FREE, 0, 'gateway endpoint: no charge')];
        const zones = (props.SubnetIds ?? []).length;
        return [line(CostKind.PRICED, zones * monthly(this.p.interfaceEndpointHourlyPerAz), `${type} endpoint in ${zones} zone(s) (data processed: by usage)`)];
      }
      case 'AWS::WAFv2::WebACL': {
        const rules = (props.Rules ?? []).length;
        return [line(CostKind.PRICED, this.p.wafWebAclMonthly + rules * this.p.wafRuleMonthly, `web ACL with ${rules} rule(s) (requests: by usage)`)];
      }
      case 'AWS::KMS::Key':
        return [line(CostKind.PRICED, this.p.kmsKeyMonthly, 'customer-managed key (requests: by usage)')];
      case 'AWS::SecretsManager::Secret':
        return [line(CostKind.PRICED, this.p.secretMonthly, 'secret (API calls: by usage)')];
      case 'AWS::Route53::HostedZone':
        return [line(CostKind.PRICED, this.p.hostedZoneMonthly, 'hosted zone (queries: by usage)')];
      case 'AWS::ServiceDiscovery::PrivateDnsNamespace':
      case 'AWS::ServiceDiscovery::PublicDnsNamespace':
        return [line(CostKind.PRICED, this.p.hostedZoneMonthly, 'Cloud Map DNS namespace: a Route 53 hosted zone')];
      case 'AWS::CloudWatch::Alarm': {
        const period = num(props.Period);
        const high = period !== undefined && period < 60;
        return [line(CostKind.PRICED, high ? this.p.alarmMonthly.highResolution : this.p.alarmMonthly.standard, `${high ? 'high-resolution' : 'standard'} alarm`)];
      }
      case 'AWS::CloudWatch::CompositeAlarm':
        return [line(CostKind.PRICED, this.p.alarmMonthly.composite, 'composite alarm')];
      case 'AWS::SSM::Parameter':
        return str(props.Tier) === 'Advanced'
          ? [line(CostKind.PRICED, 0.05, 'advanced parameter')]
          : [line(CostKind.FREE, 0, 'standard parameter: no charge')];
      case 'AWS::DynamoDB::Table':
        return this.dynamodbTable(r, line);
      case 'AWS::CodePipeline::Pipeline':
        // V2 is charged by action execution minute only; V1 (CloudFormation's default) by the month once active.
        return str(props.PipelineType) === 'V2'
          ? [line(CostKind.USAGE, 0, 'V2 pipeline: action execution minutes, by usage')]
          : [line(CostKind.PRICED, this.p.codePipelineV1Monthly, 'V1 pipeline: monthly charge of an active pipeline')];
      case 'Custom::AWSCDK-EKS-KubernetesResource':
        return this.kubernetesObjects(id, r, line);
      default:
        if (USAGE_TYPES.has(r.Type)) return [line(CostKind.USAGE, 0, 'by usage')];
        if (FREE_TYPES.has(r.Type) || r.Type.startsWith('Custom::')) return [line(CostKind.FREE, 0, 'no charge of its own')];
        return [line(CostKind.UNKNOWN, 0, 'not in the price table')];
    }
  }

  /**
   * Kubernetes objects cost nothing themselves, but an Ingress makes the cluster's load balancer
   * controller create an application load balancer, outside the template: one per Ingress, or
   * one per group (`alb.ingress.kubernetes.io/group.name`) shared by the group's Ingresses.
   */
  private kubernetesObjects(id: string, r: TemplateResource, line: LineMaker): CostLine[] {
    const manifest = r.Properties?.Manifest;
    // The manifest is JSON text; values known only at deployment (ARNs) are joined into it.
    const text = typeof manifest === 'string' ? manifest
      : (manifest?.['Fn::Join']?.[1] ?? []).map((part: unknown) => (typeof part === 'string' ? part : '?')).join('');
    if (!/"kind":"Ingress"/.test(text)) return [line(CostKind.FREE, 0, 'Kubernetes objects: no charge of their own')];
    const group = /"alb\.ingress\.kubernetes\.io\/group\.name":"([^"]+)"/.exec(text)?.[1];
    const internal = /"alb\.ingress\.kubernetes\.io\/scheme":"internal"/.test(text);
    if (group !== undefined) {
      const payer = this.ingressGroups.get(group);
      if (payer !== undefined) {
        return [line(CostKind.FREE, 0, `Ingress: shares the load balancer of group ${group} (priced with ${payer})`)];
      }
      this.ingressGroups.set(group, this.stackName);
    }
    const lines = [line(CostKind.PRICED, monthly(this.p.albHourly),
      `Ingress: the application load balancer the cluster creates${group ? ` for group ${group}` : ''} (capacity units: by usage)`)];
    if (!internal) {
      // An application load balancer spans two zones at least, with a public address in each.
      lines.push(line(CostKind.PRICED, 2 * monthly(this.p.publicIpv4Hourly), '2 public IPv4 addresses at least (one per zone)', `${id} (addresses)`));
    }
    return lines;
  }

  private ebs(mappings: any[] | undefined, count: number, id: string, line: LineMaker): CostLine[] {
    return (mappings ?? []).filter(m => m.Ebs).map((m, i) => {
      const size = knownNumber(this.template, m.Ebs.VolumeSize);
      const type = knownString(this.template, m.Ebs.VolumeType) ?? 'gp2';
      const price = this.p.ebsGbMonthly[type];
      return size === undefined || price === undefined
        ? line(CostKind.UNKNOWN, 0, `EBS volume ${m.DeviceName ?? i}: size or type not known`, `${id} (volume ${i + 1})`)
        : line(CostKind.PRICED, count * size * price, `${count > 1 ? `${count} x ` : ''}EBS ${type} ${size} GB`, `${id} (volume ${i + 1})`);
    });
  }

  private ec2(type: string | undefined, count: number, what: string, line: LineMaker): CostLine {
    if (type === undefined) return line(CostKind.UNKNOWN, 0, `${what}: instance type not known at synth`);
    const hourly = this.p.ec2Hourly[type];
    return hourly === undefined
      ? line(CostKind.UNKNOWN, 0, `${what}: ${type} is not in the price table`)
      : line(CostKind.PRICED, count * monthly(hourly), `${count > 1 ? `${count} x ` : ''}${type} ${what}`);
  }

  private instance(id: string, r: TemplateResource, line: LineMaker): CostLine[] {
    const props = r.Properties ?? {};
    // CloudFormation's own default when the template names no type.
    const type = props.InstanceType === undefined ? 'm1.small' : knownString(this.template, props.InstanceType);
    const lines = [this.ec2(type, 1, 'instance', line)];
    if ((props.NetworkInterfaces ?? []).some((n: any) => n.AssociatePublicIpAddress === true || n.AssociatePublicIpAddress === 'true')) {
      lines.push(line(CostKind.PRICED, monthly(this.p.publicIpv4Hourly), 'public IPv4 address', `${id} (address)`));
    }
    return [...lines, ...this.ebs(props.BlockDeviceMappings, 1, id, line)];
  }

  private autoScalingGroup(id: string, r: TemplateResource, line: LineMaker): CostLine[] {
    const props = r.Properties ?? {};
    const capacity = knownNumber(this.template, props.DesiredCapacity) ?? knownNumber(this.template, props.MinSize);
    if (capacity === undefined) return [line(CostKind.UNKNOWN, 0, 'Auto Scaling group: capacity not known at synth')];
    if (capacity === 0) return [line(CostKind.PRICED, 0, 'Auto Scaling group at zero instances')];
    const mixed = props.MixedInstancesPolicy;
    const templateRef = mixed?.LaunchTemplate?.LaunchTemplateSpecification ?? props.LaunchTemplate;
    const launchTemplate = this.resources[referencedId(templateRef?.LaunchTemplateId) ?? '']?.Properties?.LaunchTemplateData ?? {};
    const launchConfig = this.resources[referencedId(props.LaunchConfigurationName) ?? '']?.Properties ?? {};
    const type = knownString(this.template, mixed?.LaunchTemplate?.Overrides?.[0]?.InstanceType)
      ?? knownString(this.template, launchTemplate.InstanceType) ?? knownString(this.template, launchConfig.InstanceType);
    let onDemand = capacity;
    const lines: CostLine[] = [];
    if (mixed) {
      const distribution = mixed.InstancesDistribution ?? {};
      const base = knownNumber(this.template, distribution.OnDemandBaseCapacity) ?? 0;
      const percent = knownNumber(this.template, distribution.OnDemandPercentageAboveBaseCapacity) ?? 100;
      onDemand = Math.min(capacity, base + Math.ceil(Math.max(0, capacity - base) * percent / 100));
      if (capacity > onDemand) {
        lines.push(line(CostKind.SPOT, 0, `${capacity - onDemand} Spot instance(s)${type ? ` (${type})` : ''}: Spot market price, not guessed`, `${id} (Spot)`));
      }
    }
    if (onDemand > 0) lines.unshift(this.ec2(type, onDemand, 'instance(s) at desired capacity', line));
    return [...lines, ...this.ebs(launchTemplate.BlockDeviceMappings ?? launchConfig.BlockDeviceMappings, capacity, id, line)];
  }

  private dbInstance(r: TemplateResource, line: LineMaker): CostLine[] {
    const props = r.Properties ?? {};
    const instanceClass = knownString(this.template, props.DBInstanceClass);
    const clusterId = referencedId(props.DBClusterIdentifier);
    if (props.DBClusterIdentifier !== undefined) {
      if (instanceClass === 'db.serverless') {
        const scaling = clusterId ? this.resources[clusterId]?.Properties?.ServerlessV2ScalingConfiguration : undefined;
        const min = knownNumber(this.template, scaling?.MinCapacity);
        if (min === undefined) return [line(CostKind.UNKNOWN, 0, 'Aurora Serverless v2 instance: minimum capacity not known')];
        return min === 0
          ? [line(CostKind.PRICED, 0, 'Aurora Serverless v2 at 0 ACU: pauses when idle (storage: by usage)')]
          : [line(CostKind.PRICED, min * monthly(this.p.auroraServerlessV2AcuHourly), `Aurora Serverless v2 at its minimum ${min} ACU`)];
      }
      const hourly = instanceClass ? this.p.auroraInstanceHourly[instanceClass] : undefined;
      return hourly === undefined
        ? [line(CostKind.UNKNOWN, 0, `Aurora instance ${instanceClass ?? '(class not known)'} is not in the price table`)]
        : [line(CostKind.PRICED, monthly(hourly), `Aurora instance ${instanceClass}`)];
    }
    const hourly = instanceClass ? this.p.rdsInstanceHourly[instanceClass] : undefined;
    if (hourly === undefined) return [line(CostKind.UNKNOWN, 0, `RDS instance ${instanceClass ?? '(class not known)'} is not in the price table`)];
    const copies = props.MultiAZ === true || props.MultiAZ === 'true' ? 2 : 1;
    const storage = knownNumber(this.template, props.AllocatedStorage) ?? 0;
    return [line(CostKind.PRICED, copies * (monthly(hourly) + storage * this.p.rdsStorageGbMonthly),
      `RDS instance ${instanceClass}${copies === 2 ? ', Multi-AZ' : ''}, ${storage} GB storage`)];
  }

  private ecsService(r: TemplateResource, line: LineMaker): CostLine[] {
    const props = r.Properties ?? {};
    const count = props.DesiredCount === undefined ? 1 : knownNumber(this.template, props.DesiredCount);
    if (count === undefined) return [line(CostKind.UNKNOWN, 0, 'ECS service: desired count not known at synth')];
    const taskDefinition = this.resources[referencedId(props.TaskDefinition) ?? '']?.Properties;
    if (!taskDefinition) return [line(CostKind.UNKNOWN, 0, 'ECS service: its task definition is not in this template')];
    const fargate = (taskDefinition.RequiresCompatibilities ?? []).includes('FARGATE') || props.LaunchType === 'FARGATE';
    if (!fargate) return [line(CostKind.FREE, 0, 'ECS service on EC2 capacity: priced by its instances')];
    const vcpu = (knownNumber(this.template, taskDefinition.Cpu) ?? 0) / 1024;
    const gb = (knownNumber(this.template, taskDefinition.Memory) ?? 0) / 1024;
    const arch = knownString(this.template, taskDefinition.RuntimePlatform?.CpuArchitecture) === 'ARM64' ? 'ARM64' : 'X86_64';
    const rate = this.p.fargate[arch];
    const strategy: any[] = props.CapacityProviderStrategy ?? this.clusterDefaultStrategy(props.Cluster) ?? [];
    const weights = strategy.reduce((sum, s) => sum + (knownNumber(this.template, s.Weight) ?? 0), 0);
    const spotWeight = strategy.filter(s => s.CapacityProvider === 'FARGATE_SPOT').reduce((sum, s) => sum + (knownNumber(this.template, s.Weight) ?? 0), 0);
    const spotShare = weights > 0 ? spotWeight / weights : 0;
    const spotTasks = Math.round(count * spotShare);
    const onDemandTasks = count - spotTasks;
    const what = `${vcpu} vCPU, ${gb} GB, ${arch}`;
    const lines = [line(CostKind.PRICED, onDemandTasks * monthly(vcpu * rate.vcpuHourly + gb * rate.gbHourly), `${onDemandTasks} Fargate task(s) at desired count (${what})`)];
    if (spotTasks > 0) lines.push(line(CostKind.SPOT, 0, `${spotTasks} Fargate Spot task(s) (${what}): Spot price, not guessed`));
    return lines;
  }

  /** The default capacity provider strategy of a cluster defined in this template. */
  private clusterDefaultStrategy(cluster: unknown): any[] | undefined {
    const clusterId = referencedId(cluster);
    return Object.values(this.resources)
      .find(res => res.Type === 'AWS::ECS::ClusterCapacityProviderAssociations' && referencedId(res.Properties?.Cluster) === clusterId)
      ?.Properties?.DefaultCapacityProviderStrategy;
  }

  private dynamodbTable(r: TemplateResource, line: LineMaker): CostLine[] {
    const props = r.Properties ?? {};
    if ((knownString(this.template, props.BillingMode) ?? 'PROVISIONED') === 'PAY_PER_REQUEST') {
      return [line(CostKind.USAGE, 0, 'on-demand table: by usage')];
    }
    const indexes = (props.GlobalSecondaryIndexes ?? []).map((g: any) => g.ProvisionedThroughput);
    const throughputs = [props.ProvisionedThroughput, ...indexes].filter(Boolean);
    const rcu = throughputs.reduce((sum: number, t: any) => sum + (knownNumber(this.template, t.ReadCapacityUnits) ?? 0), 0);
    const wcu = throughputs.reduce((sum: number, t: any) => sum + (knownNumber(this.template, t.WriteCapacityUnits) ?? 0), 0);
    return [line(CostKind.PRICED, monthly(rcu * this.p.dynamodbRcuHourly + wcu * this.p.dynamodbWcuHourly), `provisioned ${rcu} RCU, ${wcu} WCU`)];
  }
}

type LineMaker = (kind: CostKind, monthlyUsd: number, detail: string, logicalId?: string) => CostLine;

/** The prices of a region, or a clear error naming the regions the table carries. */
export function pricesFor(region: string): RegionPrices {
  const prices = PRICES[region];
  if (!prices) {
    throw new CliError(`the price table carries ${Object.keys(PRICES).join(', ')}, not ${region}; price in one of those with --region, or add ${region} to src/cli/cost/prices.ts.`, ExitCode.REGION);
  }
  return prices;
}

function stackLines(stack: AssemblyStack, prices: RegionPrices, prefix: string, ingressGroups: Map<string, string>): CostLine[] {
  const pricer = new TemplatePricer(stack.template, prices, stack.name, ingressGroups);
  const own = Object.entries(stack.template.Resources ?? {}).flatMap(([id, r]) =>
    pricer.price(id, r).map(l => ({ ...l, logicalId: `${prefix}${l.logicalId}` })));
  const nested = stack.nested.flatMap(n => stackLines(n, prices, `${prefix}${n.name.split('/').pop()}/`, ingressGroups));
  return [...own, ...nested];
}

/** The idle monthly cost of each stack and in total, from the templates alone. */
export function estimateCost(stacks: AssemblyStack[], regionOverride?: string): CostReport {
  const ingressGroups = new Map<string, string>();
  const costs = stacks.map(stack => {
    const region = regionOverride ?? stack.region ?? 'us-east-1';
    const lines = stackLines(stack, pricesFor(region), '', ingressGroups);
    const monthlyUsd = round(lines.reduce((sum, l) => sum + l.monthlyUsd, 0));
    return { stack: stack.name, region, monthlyUsd, lines };
  });
  return {
    priceTable: { source: PRICE_TABLE_SOURCE, date: PRICE_TABLE_DATE, hoursPerMonth: HOURS_PER_MONTH },
    totalMonthlyUsd: round(costs.reduce((sum, c) => sum + c.monthlyUsd, 0)),
    stacks: costs,
  };
}

/** Cents, to keep sums free of floating-point noise. */
export function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
