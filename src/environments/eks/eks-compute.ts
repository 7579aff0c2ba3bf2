import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { propError } from '../../common/errors';
import { validateInstanceTypes, validateIntegerRange } from '../../common/validation';

/** What runs the pods of an EKS environment. */
export enum EksComputeType {
  /**
   * EKS Auto Mode: AWS runs and scales the nodes (Karpenter node pools), the load balancer
   * controller, Pod Identity and storage; nodes exist only while pods need them.
   */
  AUTO_MODE = 'AUTO_MODE',
  /** A managed node group of EC2 instances the environment sizes, with the AWS Load Balancer Controller. */
  MANAGED_NODE_GROUP = 'MANAGED_NODE_GROUP',
}

/** A managed node group. */
export interface EksNodeGroupOptions {
  /**
   * Instance types of the nodes, all of one architecture.
   * @default [m7g.large] (Graviton)
   */
  readonly instanceTypes?: ec2.InstanceType[];
  /**
   * Fewest nodes.
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Most nodes.
   * @default 3
   */
  readonly maxSize?: number;
  /**
   * Nodes at creation.
   * @default - minSize
   */
  readonly desiredSize?: number;
  /**
   * Run the nodes on Spot capacity.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Root volume of each node in GiB.
   * @default 40
   */
  readonly diskSize?: number;
}

/** The node group settings, defaults filled in and checked. */
export interface NodeGroupSettings {
  readonly instanceTypes: ec2.InstanceType[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  readonly capacityType: eks.CapacityType;
  readonly amiType: eks.NodegroupAmiType;
  readonly diskSize: number;
}

/** The compute of an EKS environment, checked: Auto Mode node pools, or a node group. */
export interface ComputeSettings {
  readonly type: EksComputeType;
  readonly autoModeNodePools?: string[];
  readonly nodeGroup?: NodeGroupSettings;
  /** Whether Auto Mode gets a Graviton node pool beside its built-in ones. */
  readonly gravitonNodePool: boolean;
  /** CPU architectures pods can be scheduled on (`kubernetes.io/arch`). */
  readonly nodeArchitectures: string[];
}

/** The compute props of an EksEnvironment. */
export interface ComputeProps {
  readonly computeType?: EksComputeType;
  readonly autoModeNodePools?: string[];
  readonly nodeGroup?: EksNodeGroupOptions;
  readonly gravitonNodePool?: boolean;
}

/** The node pools Auto Mode has built in. */
const BUILT_IN_NODE_POOLS = ['system', 'general-purpose'];

/** Checks the compute props: one compute type, and only the options of that type. */
export function computeSettings(scope: IConstruct, props: ComputeProps): ComputeSettings {
  const type = props.computeType ?? EksComputeType.AUTO_MODE;
  if (type === EksComputeType.AUTO_MODE) {
    if (props.nodeGroup) {
      throw propError(scope, 'nodeGroup',
        'conflicts with computeType AUTO_MODE: Auto Mode runs the nodes itself; set computeType to MANAGED_NODE_GROUP to size a node group.');
    }
    const pools = props.autoModeNodePools ?? BUILT_IN_NODE_POOLS;
    for (const pool of pools) {
      if (!BUILT_IN_NODE_POOLS.includes(pool)) {
        throw propError(scope, 'autoModeNodePools', `"${pool}" is not a built-in Auto Mode node pool (${BUILT_IN_NODE_POOLS.join(', ')}); add your own pools as Kubernetes NodePool objects.`);
      }
    }
    const graviton = props.gravitonNodePool ?? true;
    // The built-in general-purpose pool launches amd64 nodes only (its system pool is tainted for add-ons).
    const nodeArchitectures = [...(graviton ? ['arm64'] : []), ...(pools.includes('general-purpose') ? ['amd64'] : [])];
    return { type, autoModeNodePools: pools, gravitonNodePool: graviton, nodeArchitectures };
  }
  if (props.gravitonNodePool !== undefined) {
    throw propError(scope, 'gravitonNodePool', 'applies to computeType AUTO_MODE only: a managed node group runs the instance types of `nodeGroup`.');
  }
  if (props.autoModeNodePools) {
    throw propError(scope, 'autoModeNodePools', 'conflicts with computeType MANAGED_NODE_GROUP: node pools belong to Auto Mode; size the node group with `nodeGroup`.');
  }
  const o = props.nodeGroup ?? {};
  const instanceTypes = o.instanceTypes ?? [ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE)];
  const architecture = validateInstanceTypes(scope, 'nodeGroup.instanceTypes', instanceTypes);
  const minSize = validateIntegerRange(scope, 'nodeGroup.minSize', o.minSize ?? 1, 0, 100);
  const maxSize = o.maxSize ?? Math.max(3, minSize);
  if (maxSize < Math.max(minSize, 1)) {
    throw propError(scope, 'nodeGroup.maxSize', `${maxSize} is below minSize ${minSize} (or below 1); give a maximum of at least the minimum.`);
  }
  validateIntegerRange(scope, 'nodeGroup.maxSize', maxSize, 1, 100);
  const desiredSize = validateIntegerRange(scope, 'nodeGroup.desiredSize', o.desiredSize ?? minSize, minSize, maxSize);
  const arm = architecture === ec2.InstanceArchitecture.ARM_64;
  return {
    type,
    gravitonNodePool: false,
    nodeArchitectures: [arm ? 'arm64' : 'amd64'],
    nodeGroup: {
      instanceTypes,
      minSize,
      maxSize,
      desiredSize,
      capacityType: o.spot ? eks.CapacityType.SPOT : eks.CapacityType.ON_DEMAND,
      amiType: arm ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD : eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      diskSize: validateIntegerRange(scope, 'nodeGroup.diskSize', o.diskSize ?? 40, 20, 16384),
    },
  };
}
