import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createLogBucket } from './buckets';
import { allowServiceToUseKey } from './key-policy';
import { acceptFindings, acceptStackProviderFindings } from './nag';

/** What gives the private subnets of a VPC of this library their way out to the internet. */
export enum NatProviderType {
  /** Managed NAT gateways: highly available within their zone, priced per hour and per GB. */
  GATEWAY = 'GATEWAY',
  /**
   * NAT instances (Graviton t4g.nano, Amazon Linux 2023, IMDSv2): far cheaper when idle, but
   * each is one instance with no managed failover and a bandwidth ceiling. For non-production.
   */
  INSTANCE = 'INSTANCE',
}

/** Where the VPC flow logs go. */
export enum FlowLogDestinationType {
  /**
   * An S3 bucket of the environment, encrypted with its key, objects expiring after the
   * retention: storage is cheaper than CloudWatch Logs ingestion by an order of magnitude.
   */
  S3 = 'S3',
  /** A CloudWatch Logs group of the environment: searchable at once, priced by ingestion. */
  CLOUDWATCH_LOGS = 'CLOUDWATCH_LOGS',
}

/** The size of a VPC, from the props with defaults filled in. */
export interface VpcSizing {
  readonly cidr: string;
  readonly maxAzs: number;
  readonly natGateways: number;
  readonly natProvider: NatProviderType;
  readonly flowLogRetention: logs.RetentionDays;
  readonly flowLogDestination: FlowLogDestinationType;
}

/** How a VPC is built. */
export interface VpcOptions extends VpcSizing {
  /** Name of the flow log group, when flow logs go to CloudWatch Logs. */
  readonly flowLogGroupName: string;
  readonly kmsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with public and private subnets, NAT gateways or instances of the caller's choice, free
 * S3 and DynamoDB gateway endpoints, all traffic in flow logs (encrypted, with retention) and the
 * default security group stripped of its rules.
 */
export function createVpc(scope: Construct, options: VpcOptions): ec2.Vpc {
  const natInstances = options.natProvider === NatProviderType.INSTANCE && options.natGateways > 0
    ? new NatInstances(options.cidr)
    : undefined;
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(options.cidr),
    maxAzs: options.maxAzs,
    natGateways: options.natGateways,
    natGatewayProvider: natInstances,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
    restrictDefaultSecurityGroup: true,
    gatewayEndpoints: {
      S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
    },
    flowLogs: {
      all: { destination: flowLogDestination(scope, options), trafficType: ec2.FlowLogTrafficType.ALL },
    },
  });
  if (!Token.isUnresolved(Stack.of(scope).region)) {
    acceptFindings(vpc, {
      id: 'CloudFormation-Validate::W3010',
      reason: 'ec2.Vpc places each subnet in a named zone of the account (from cdk.context.json), so subnets never move between deployments.',
    });
  }
  acceptStackProviderFindings(scope, 'Custom::VpcRestrictDefaultSGCustomResourceProvider', 'removes the default security group rules');
  if (natInstances) {
    secureNatInstances(natInstances);
  }
  return vpc;
}

/** The flow logs' destination: an encrypted, expiring bucket (default) or log group. */
function flowLogDestination(scope: Construct, options: VpcOptions): ec2.FlowLogDestination {
  if (options.flowLogDestination === FlowLogDestinationType.CLOUDWATCH_LOGS) {
    return ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(scope, 'FlowLogs', {
      logGroupName: options.flowLogGroupName,
      retention: options.flowLogRetention,
      encryptionKey: options.kmsKey,
      removalPolicy: options.removalPolicy,
    }));
  }
  const stack = Stack.of(scope);
  // Log delivery writes with the environment key, for this account's flow logs only.
  allowServiceToUseKey(options.kmsKey, 'AllowLogDeliveryForFlowLogs', 'delivery.logs.amazonaws.com', {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
  });
  const bucket = createLogBucket(scope, 'FlowLogBucket', {
    receives: 'VPC flow logs',
    expirationDays: options.flowLogRetention === logs.RetentionDays.INFINITE ? undefined : options.flowLogRetention,
    removalPolicy: options.removalPolicy,
    encryptionKey: options.kmsKey,
  });
  return ec2.FlowLogDestination.toS3(bucket, 'vpc-flow-logs/');
}

/**
 * Graviton NAT instances on Amazon Linux 2023 (resolved through SSM at deploy time), one per NAT
 * subnet, each the default route of the private subnets of its zone. What aws-cdk-lib's
 * NatInstanceProviderV2 builds, made here because that provider hands `keyName` to every instance
 * and so prints a deprecation warning on each synthesis of a stack that uses it.
 */
class NatInstances extends ec2.NatProvider {
  private readonly gateways: Array<[string, ec2.Instance]> = [];
  private securityGroup?: ec2.SecurityGroup;

  constructor(private readonly vpcCidr: string) {
    super();
  }

  /** The instances, once the VPC has configured them. */
  public get gatewayInstances(): ec2.Instance[] {
    return this.gateways.map(([, instance]) => instance);
  }

  public get configuredGateways(): ec2.GatewayConfig[] {
    return this.gateways.map(([az, instance]) => ({ az, gatewayId: instance.instanceId }));
  }

  public configureNat(options: ec2.ConfigureNatOptions): void {
    this.securityGroup = new ec2.SecurityGroup(options.vpc, 'NatSecurityGroup', {
      vpc: options.vpc, description: 'Security Group for NAT instances', allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(this.vpcCidr), ec2.Port.allTraffic(), 'Traffic from the VPC to the internet');
    const userData = ec2.UserData.forLinux();
    userData.addCommands(...ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS);
    for (const subnet of options.natSubnets) {
      this.gateways.push([subnet.availabilityZone, new ec2.Instance(subnet, 'NatInstance', {
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        sourceDestCheck: false,
        vpc: options.vpc,
        vpcSubnets: { subnets: [subnet] },
        // The public subnets do not map public addresses on launch; a NAT instance needs one.
        associatePublicIpAddress: true,
        securityGroup: this.securityGroup,
        userData,
      })]);
    }
    for (const subnet of options.privateSubnets) {
      this.configureSubnet(subnet);
    }
  }

  public configureSubnet(subnet: ec2.PrivateSubnet): void {
    const [, instance] = this.gateways.find(([az]) => az === subnet.availabilityZone) ?? this.gateways[0];
    subnet.addRoute('DefaultRoute', { routerType: ec2.RouterType.INSTANCE, routerId: instance.instanceId, enablesInternetConnectivity: true });
  }
}

/**
 * Only the VPC reaches the NAT instances; they require IMDSv2, encrypt their root volume and
 * carry the reasons for what a NAT instance cannot be.
 */
function secureNatInstances(provider: NatInstances): void {
  for (const instance of provider.gatewayInstances) {
    const cfn = instance.node.defaultChild as ec2.CfnInstance;
    // IMDSv2 through a launch template of its own, named by CloudFormation: aws-cdk-lib's
    // InstanceRequireImdsv2Aspect names it after the construct id, the same for every zone.
    const template = new ec2.CfnLaunchTemplate(instance, 'MetadataOptions', {
      launchTemplateData: { metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 } },
    });
    cfn.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
    cfn.blockDeviceMappings = [{
      deviceName: '/dev/xvda',
      ebs: { encrypted: true, volumeType: 'gp3', volumeSize: 8, deleteOnTermination: true },
    }];
    acceptFindings(instance,
      {
        id: 'AwsSolutions-EC28',
        reason: 'A NAT instance is the cheap non-production choice; detailed monitoring would add to the idle cost it exists to cut.',
      },
      {
        id: 'AwsSolutions-EC29',
        reason: 'A NAT instance holds no state: the stack replaces it, and termination protection would block that and environment teardown.',
      },
    );
  }
}
