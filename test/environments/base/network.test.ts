import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EcsEnvironment, NatProviderType, ServerlessEnvironment } from '../../../src';
import { baseProps, testStack } from '../../fixtures/app';

describe('NAT choice of a new VPC', () => {
  test('NAT gateways by default', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Instance', 0);
  });

  test('NAT instances: Graviton nano on Amazon Linux 2023, public address, no source/dest check, IMDSv2, encrypted root volume', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({ natProvider: NatProviderType.INSTANCE, maxAzs: 2, natGateways: 2 }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::Instance', 2);
    template.allResourcesProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      ImageId: { Ref: Match.stringLikeRegexp('al2023.*arm64') },
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, DeviceIndex: '0' })],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true } }],
      LaunchTemplate: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('MetadataOptions') }, Version: Match.anyValue() },
    });
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 2);
    template.allResourcesProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 } },
      LaunchTemplateName: Match.absent(),
    });
    // Private subnets route to the instances.
    template.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '0.0.0.0/0', InstanceId: Match.anyValue() });
  });

  test('only the VPC reaches a NAT instance', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({ natProvider: NatProviderType.INSTANCE, vpcCidr: '10.20.0.0/16' }));
    const template = Template.fromStack(stack);
    const group = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id.includes('NatSecurityGroup'))![1];
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '10.20.0.0/16', Description: 'Traffic from the VPC to the internet', IpProtocol: '-1' },
    ]);
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
  });

  test('natProvider applies only to a VPC the environment creates', () => {
    expect(() => new ServerlessEnvironment(testStack(), 'Qa', baseProps({ natProvider: NatProviderType.INSTANCE })))
      .toThrow(/Workload\/Qa: invalid `natProvider`: applies only when the environment creates a VPC/);
  });

  test('an existing VPC must know its CIDR block, which the descriptor records', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'],
    });
    expect(() => new EcsEnvironment(stack, 'Dev', baseProps({ vpc })))
      .toThrow(/Workload\/Dev: invalid `vpc`: must know its CIDR block, which the descriptor records/);
  });
});
