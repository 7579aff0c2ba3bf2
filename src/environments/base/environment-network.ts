import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acceptFindings } from '../../common/nag';
import { logGroupPrefix } from '../../common/naming';

/** The size of the environment VPC, from the props with defaults filled in. */
export interface EnvironmentVpcSizing {
  readonly cidr: string;
  readonly maxAzs: number;
  readonly natGateways: number;
  readonly flowLogRetention: logs.RetentionDays;
}

/** How the environment VPC is built. */
export interface EnvironmentVpcOptions extends EnvironmentVpcSizing {
  readonly environmentName: string;
  readonly kmsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with public and private subnets, a NAT gateway count of the caller's choice, an S3
 * gateway endpoint, all traffic in flow logs (encrypted, with retention) and the default
 * security group stripped of its rules.
 */
export function createEnvironmentVpc(scope: Construct, options: EnvironmentVpcOptions): ec2.Vpc {
  const flowLogGroup = new logs.LogGroup(scope, 'FlowLogs', {
    logGroupName: `${logGroupPrefix(options.environmentName)}vpc-flow-logs`,
    retention: options.flowLogRetention,
    encryptionKey: options.kmsKey,
    removalPolicy: options.removalPolicy,
  });
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(options.cidr),
    maxAzs: options.maxAzs,
    natGateways: options.natGateways,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
    restrictDefaultSecurityGroup: true,
    gatewayEndpoints: {
      S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
    },
    flowLogs: {
      all: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      },
    },
  });
  if (!Token.isUnresolved(Stack.of(scope).region)) {
    acceptFindings(vpc, {
      id: 'CloudFormation-Validate::W3010',
      reason: 'ec2.Vpc places each subnet in a named zone of the account (from cdk.context.json), so subnets never move between deployments.',
    });
  }
  acceptRestrictDefaultSgProvider(scope);
  return vpc;
}

/**
 * `restrictDefaultSecurityGroup` is implemented by one aws-cdk-lib custom resource provider per
 * stack; its findings are aws-cdk-lib's design, accepted here on that provider only.
 */
function acceptRestrictDefaultSgProvider(scope: Construct): void {
  const provider = Stack.of(scope).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (!provider) {
    return;
  }
  acceptFindings(provider,
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'aws-cdk-lib custom resource provider that removes the default security group rules; it only needs to write its own logs.',
    },
  );
}
