import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DescriptorReader } from './descriptor-reader';

/** The network of an environment, as its descriptor records it. */
export interface NetworkDescriptor {
  /** VPC id. */
  readonly vpcId: string;
  /** Primary IPv4 CIDR block of the VPC. */
  readonly vpcCidrBlock: string;
  /** Availability zones of the subnets, in subnet order. */
  readonly availabilityZones: string[];
  /** Public subnet ids, one or more per availability zone (may be empty). */
  readonly publicSubnetIds: string[];
  /**
   * Route tables of the public subnets, in subnet order.
   * @default - unknown (descriptors of schema 1.0)
   */
  readonly publicSubnetRouteTableIds?: string[];
  /**
   * IPv4 CIDR blocks of the public subnets, in subnet order (where their load balancers live).
   * @default - unknown (older descriptors, or subnets imported without them)
   */
  readonly publicSubnetCidrs?: string[];
  /** Private subnet ids (with egress), one or more per availability zone (may be empty). */
  readonly privateSubnetIds: string[];
  /**
   * Route tables of the private subnets, in subnet order.
   * @default - unknown (descriptors of schema 1.0)
   */
  readonly privateSubnetRouteTableIds?: string[];
  /**
   * Isolated subnet ids (no route to the internet).
   * @default - none
   */
  readonly isolatedSubnetIds?: string[];
  /**
   * Route tables of the isolated subnets, in subnet order.
   * @default - unknown
   */
  readonly isolatedSubnetRouteTableIds?: string[];
}

/** The network slice of a descriptor, from a VPC (owned or imported). */
export function describeNetwork(vpc: ec2.IVpc): NetworkDescriptor {
  const ids = (subnets: ec2.ISubnet[]) => subnets.map(s => s.subnetId);
  const routeTables = (subnets: ec2.ISubnet[]) => {
    const tables = subnets.map(s => s.routeTable?.routeTableId);
    return subnets.length > 0 && tables.every(t => t !== undefined) ? tables as string[] : undefined;
  };
  return {
    vpcId: vpc.vpcId,
    vpcCidrBlock: vpc.vpcCidrBlock,
    availabilityZones: vpc.availabilityZones,
    publicSubnetIds: ids(vpc.publicSubnets),
    publicSubnetRouteTableIds: routeTables(vpc.publicSubnets),
    publicSubnetCidrs: subnetCidrs(vpc.publicSubnets),
    privateSubnetIds: ids(vpc.privateSubnets),
    privateSubnetRouteTableIds: routeTables(vpc.privateSubnets),
    isolatedSubnetIds: vpc.isolatedSubnets.length > 0 ? ids(vpc.isolatedSubnets) : undefined,
    isolatedSubnetRouteTableIds: routeTables(vpc.isolatedSubnets),
  };
}

/** The IPv4 CIDR blocks of subnets, when every one of them knows its own (imported subnets may not). */
export function subnetCidrs(subnets: ec2.ISubnet[]): string[] | undefined {
  try {
    return subnets.length > 0 ? subnets.map(s => s.ipv4CidrBlock) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and checks the network slice: every subnet list spreads evenly over the zones. */
export function readNetwork(r: DescriptorReader): NetworkDescriptor {
  const azs = r.strs('availabilityZones');
  if (azs.length === 0) {
    r.fail('availabilityZones', 'a list of at least one availability zone');
  }
  const subnets = (key: string, tablesKey: string, required: boolean) => {
    const list = required ? r.strs(key) : r.optStrs(key);
    if (list && list.length % azs.length !== 0) {
      r.fail(key, `a list whose length is a multiple of the ${azs.length} availability zones (it has ${list.length})`);
    }
    const tables = r.optStrs(tablesKey);
    if (tables && tables.length !== (list ?? []).length) {
      r.fail(tablesKey, `a list of one route table per subnet of \`${key}\``);
    }
    return [list, tables] as const;
  };
  const [publicIds, publicTables] = subnets('publicSubnetIds', 'publicSubnetRouteTableIds', true);
  const publicCidrs = r.optStrs('publicSubnetCidrs');
  if (publicCidrs && publicCidrs.length !== publicIds!.length) {
    r.fail('publicSubnetCidrs', 'a list of one CIDR block per subnet of `publicSubnetIds`');
  }
  const [privateIds, privateTables] = subnets('privateSubnetIds', 'privateSubnetRouteTableIds', true);
  const [isolatedIds, isolatedTables] = subnets('isolatedSubnetIds', 'isolatedSubnetRouteTableIds', false);
  return {
    vpcId: r.str('vpcId'),
    vpcCidrBlock: r.str('vpcCidrBlock'),
    availabilityZones: azs,
    publicSubnetIds: publicIds!,
    publicSubnetRouteTableIds: publicTables,
    publicSubnetCidrs: publicCidrs,
    privateSubnetIds: privateIds!,
    privateSubnetRouteTableIds: privateTables,
    isolatedSubnetIds: isolatedIds,
    isolatedSubnetRouteTableIds: isolatedTables,
  };
}

/** The VPC a network slice describes. */
export function importNetwork(scope: Construct, network: NetworkDescriptor): ec2.IVpc {
  const orNone = (list?: string[]) => (list && list.length > 0 ? list : undefined);
  return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: network.vpcId,
    vpcCidrBlock: network.vpcCidrBlock,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: orNone(network.publicSubnetIds),
    publicSubnetRouteTableIds: orNone(network.publicSubnetRouteTableIds),
    publicSubnetIpv4CidrBlocks: orNone(network.publicSubnetCidrs),
    privateSubnetIds: orNone(network.privateSubnetIds),
    privateSubnetRouteTableIds: orNone(network.privateSubnetRouteTableIds),
    isolatedSubnetIds: orNone(network.isolatedSubnetIds),
    isolatedSubnetRouteTableIds: orNone(network.isolatedSubnetRouteTableIds),
  });
}
