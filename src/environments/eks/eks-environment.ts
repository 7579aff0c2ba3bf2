import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { ArnFormat, Aws, CfnResource, Lazy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksl1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createContainerLogging } from './container-logging';
import { acceptClusterFindings } from './eks-acceptances';
import { ComputeSettings, computeSettings, EksComputeType, EksNodeGroupOptions } from './eks-compute';
import { LoadBalancerController } from './load-balancer-controller';
import { enforceNetworkPolicies } from './network-policies';
import { podIdentityPrincipal } from './pod-identity';
import { propError } from '../../common/errors';
import { routeFunctionLogs } from '../../common/function-logs';
import { allowLogsToUseKey } from '../../common/key-policy';
import { acceptFindings } from '../../common/nag';
import { appRolePath, clusterName } from '../../common/naming';
import { ENVIRONMENT_TAG } from '../../common/tags';
import { KUBERNETES_NAME, validateCidr, validateRoleArn } from '../../common/validation';
import { EnvironmentKind } from '../../contract/environment';
import { IEksNamespace, IEksRuntime } from '../../contract/runtimes/eks';
import { HarmonixEnvironmentBase, HarmonixEnvironmentBaseProps } from '../base/environment-base';
import { LOG_READ_ACTIONS } from '../base/environment-roles';

/** The Kubernetes version of a new environment: the newest that aws-cdk-lib and EKS both offer, with a kubectl layer. */
const DEFAULT_KUBERNETES_VERSION = '1.35';
/** Minor versions the bundled kubectl (1.35) manages: Kubernetes supports kubectl one minor version either side. */
const KUBECTL_MINOR = 35;
/** Namespaces Kubernetes, EKS and the add-ons keep for themselves. */
const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'amazon-cloudwatch'];
/** The service account of each application namespace that workloads run as. */
const APP_SERVICE_ACCOUNT = 'app';
const accessPolicy = (name: string) => `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${name}`;

/** Props of an EKS environment. */
export interface EksEnvironmentProps extends HarmonixEnvironmentBaseProps {
  /**
   * Kubernetes version, `MAJOR.MINOR`. Versions more than one minor away from 1.35 need
   * `kubectlLayer` from the matching `@aws-cdk/lambda-layer-kubectl-vNN`.
   * @default "1.35"
   */
  readonly kubernetesVersion?: string;
  /**
   * The kubectl layer of the handler that applies namespaces and ingress classes.
   * @default - kubectl 1.35 from `@aws-cdk/lambda-layer-kubectl-v35`
   */
  readonly kubectlLayer?: lambda.ILayerVersion;
  /**
   * What runs the pods.
   * @default EksComputeType.AUTO_MODE
   */
  readonly computeType?: EksComputeType;
  /**
   * Auto Mode's built-in node pools to enable (`system`, `general-purpose`). Auto Mode only.
   * @default ["system", "general-purpose"]
   */
  readonly autoModeNodePools?: string[];
  /**
   * Add a Graviton (arm64) node pool to Auto Mode, whose built-in general-purpose pool launches
   * amd64 nodes only: on-demand C, M and R instances of generation 6 or newer on the default
   * node class. Apps built for arm64 (the default of `EksApplication`) run there. AUTO_MODE only.
   * @default true
   */
  readonly gravitonNodePool?: boolean;
  /**
   * The managed node group. MANAGED_NODE_GROUP only.
   * @default - m7g.large (Graviton), 1 to 3 nodes, on demand
   */
  readonly nodeGroup?: EksNodeGroupOptions;
  /**
   * Reach the Kubernetes API only from inside the VPC.
   * @default false: public and private endpoints
   */
  readonly endpointPrivateOnly?: boolean;
  /**
   * CIDR blocks that may reach the public endpoint.
   * @default - any address (the API still requires IAM authentication and an access entry)
   */
  readonly endpointPublicCidrs?: string[];
  /**
   * Roles that get cluster admin (`AmazonEKSClusterAdminPolicy`), for break-glass operators.
   * @default - none: only the environment's roles, scoped as documented, reach the cluster
   */
  readonly adminRoleArns?: string[];
  /**
   * Application namespaces to create with the environment (more with `addAppNamespace`).
   * @default - none
   */
  readonly appNamespaces?: string[];
  /**
   * Retention of the control-plane and container logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A runtime environment for Kubernetes workloads on Amazon EKS (`aws-eks-v2`), in a workload
 * account: the shared environment base plus a cluster with secrets encrypted by the environment
 * key, control-plane logging, EKS Auto Mode (or a managed Graviton node group), access through
 * access entries only, application namespaces whose workloads get AWS permissions through EKS
 * Pod Identity, internet-facing application load balancers for ingresses, and container logs in
 * CloudWatch.
 */
export class EksEnvironment extends HarmonixEnvironmentBase {
  /** The EKS cluster. */
  public readonly cluster: eks.Cluster;
  /** The Kubernetes version. */
  public readonly kubernetesVersion: string;
  /** Log group of the control plane (`/aws/eks/<cluster>/cluster`). */
  public readonly controlPlaneLogGroup: logs.LogGroup;
  /**
   * The kubectl handler that applies the objects of apps (`EksApplication`): edit rights in the
   * application namespaces only. aws-eks-v2's own handler, cluster admin, applies the
   * environment's objects and is out of app stacks' reach.
   */
  public readonly appKubectlProvider: eks.KubectlProvider;
  private readonly appNamespaces = new Map<string, IEksNamespace>();
  private readonly compute: ComputeSettings;

  constructor(scope: Construct, id: string, props: EksEnvironmentProps) {
    super(scope, id, props, { kind: EnvironmentKind.EKS, createVpc: true });
    const vpc = this.vpc!;
    const name = clusterName(this.environmentName);
    this.kubernetesVersion = this.checkVersion(props);
    this.compute = computeSettings(this, props);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const adminRoleArns = (props.adminRoleArns ?? []).map((arn, i) => validateRoleArn(this, `adminRoleArns[${i}]`, arn));

    // EKS writes the control-plane log into this group: created first, with retention and the key.
    const controlPlaneLogs = `/aws/eks/${name}/`;
    allowLogsToUseKey(this.kmsKey, 'AllowCloudWatchLogsForControlPlane', controlPlaneLogs);
    this.controlPlaneLogGroup = new logs.LogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `${controlPlaneLogs}cluster`, retention: logRetention, encryptionKey: this.kmsKey, removalPolicy: this.dataRemovalPolicy,
    });

    const autoMode = this.compute.type === EksComputeType.AUTO_MODE;
    const kubectlLayer = props.kubectlLayer ?? new KubectlV35Layer(this, 'KubectlLayer');
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: name,
      version: eks.KubernetesVersion.of(this.kubernetesVersion),
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess: this.endpointAccess(props),
      secretsEncryptionKey: this.kmsKey,
      clusterLogging: [
        eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER,
      ],
      defaultCapacityType: autoMode ? eks.DefaultCapacityType.AUTOMODE : eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: autoMode ? undefined : 0,
      compute: autoMode ? { nodePools: this.compute.autoModeNodePools } : undefined,
      // Nobody gets cluster admin for having created the cluster: access is by access entries only.
      bootstrapClusterCreatorAdminPermissions: false,
      kubectlProviderOptions: { kubectlLayer },
      tags: { [ENVIRONMENT_TAG]: this.environmentName },
    });
    this.cluster.node.addDependency(this.controlPlaneLogGroup);
    if (!props.endpointPrivateOnly && !props.endpointPublicCidrs?.length) {
      acceptFindings(this.cluster, {
        id: 'AwsSolutions-EKS1',
        reason: 'The public endpoint lets CI and operators reach the API; every call still needs IAM authentication and an access entry (endpointPublicCidrs narrows it, endpointPrivateOnly closes it).',
      });
    }
    // aws-eks-v2 writes its kubectl barrier as a plain CfnResource, which tags do not reach.
    const barrier = this.cluster.node.tryFindChild('KubectlReadyBarrier') as CfnResource | undefined;
    barrier?.addPropertyOverride('Tags', { [ENVIRONMENT_TAG]: this.environmentName });
    let loadBalancerController: LoadBalancerController | undefined;
    if (!autoMode) {
      // Auto Mode runs load balancing itself; with managed nodes, the controller gets its role through Pod Identity.
      loadBalancerController = LoadBalancerController.of({
        cluster: this.cluster, version: eks.AlbControllerVersion.V3_2_2, podIdentityAgent: this.cluster.eksPodIdentityAgent!,
      });
    }
    if (this.compute.nodeGroup) {
      const g = this.compute.nodeGroup;
      this.cluster.addNodegroupCapacity('Nodes', {
        nodegroupName: `${name}-nodes`,
        instanceTypes: g.instanceTypes,
        minSize: g.minSize,
        maxSize: g.maxSize,
        desiredSize: g.desiredSize,
        capacityType: g.capacityType,
        amiType: g.amiType,
        diskSize: g.diskSize,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
    }
    this.appKubectlProvider = new eks.KubectlProvider(this, 'AppKubectlProvider', {
      cluster: this.cluster,
      kubectlLayer,
      // Beside aws-eks-v2's own handler: in the private subnets, through the cluster's security group.
      privateSubnets: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets,
    });
    // aws-eks-v2's kubectl handlers and providers log into groups of the environment, with retention and the key.
    const kubectlLogs = { key: this.kmsKey, retention: logRetention, removalPolicy: this.dataRemovalPolicy };
    routeFunctionLogs(this, 'ClusterKubectlLogs', this.cluster.kubectlProvider!, { ...kubectlLogs, namePrefix: `${this.logGroupPrefix}kubectl/cluster/` });
    routeFunctionLogs(this, 'AppKubectlLogs', this.appKubectlProvider, { ...kubectlLogs, namePrefix: `${this.logGroupPrefix}kubectl/apps/` });
    // Each kubectl provider of aws-eks-v2 adds the same partition condition (ECR Public exists in aws only).
    Validations.of(this.appKubectlProvider).acknowledge({
      id: 'CloudFormation-Validate::W9053',
      reason: 'aws-eks-v2 writes one ECR Public partition condition per kubectl provider; the two providers\' conditions are equal by design.',
    });
    acceptClusterFindings(this.cluster, autoMode, this.appKubectlProvider, loadBalancerController);
    this.tagSubnetsForLoadBalancers(vpc);
    if (autoMode) {
      this.addAutoModeIngressClass();
    }
    if (this.compute.gravitonNodePool) {
      this.addGravitonNodePool();
    }
    enforceNetworkPolicies(this.cluster, autoMode);
    // HorizontalPodAutoscalers of apps read CPU use from the metrics API.
    new eks.Addon(this, 'MetricsServer', { cluster: this.cluster, addonName: 'metrics-server' });
    createContainerLogging(this, {
      cluster: this.cluster,
      clusterName: name,
      kmsKey: this.kmsKey,
      retention: logRetention,
      removalPolicy: this.dataRemovalPolicy,
      podIdentityAgent: autoMode ? undefined : this.cluster.eksPodIdentityAgent,
    });

    this.grantAccess(adminRoleArns);
    this.grantClusterPermissions(name);
    const view = this.runtimeView();
    this.publishDescriptor({ eks: view });
    for (const namespace of props.appNamespaces ?? []) {
      this.addAppNamespace(namespace);
    }
  }

  /**
   * Adds an application namespace: the namespace, its service account `app`, an IAM role for
   * that service account (under the environment's role path, with its permissions boundary) and
   * the EKS Pod Identity association that hands the role to the namespace's pods. The
   * provisioning role may deploy into the namespace, the operations role operate it.
   */
  public addAppNamespace(name: string): IEksNamespace {
    if (Token.isUnresolved(name) || !KUBERNETES_NAME.test(name)) {
      throw propError(this, 'addAppNamespace(name)',
        `"${name}" is not a Kubernetes namespace name: use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (an RFC 1123 DNS label).`);
    }
    if (RESERVED_NAMESPACES.includes(name)) {
      throw propError(this, 'addAppNamespace(name)', `"${name}" is kept by Kubernetes, EKS or an add-on; give the application a namespace of its own.`);
    }
    if (this.appNamespaces.has(name)) {
      throw propError(this, 'addAppNamespace(name)', `namespace "${name}" was already added to environment ${this.environmentName}.`);
    }
    const scope = new Construct(this, `Namespace-${name}`);
    const manifest = this.cluster.addManifest(`Namespace-${name}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'harmonix.dev/environment': this.environmentName, 'app.kubernetes.io/managed-by': 'harmonix-cdk', ...podSecurityLabels(this.kubernetesVersion) } },
    }, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: APP_SERVICE_ACCOUNT, namespace: name, labels: { 'app.kubernetes.io/managed-by': 'harmonix-cdk' } },
    });
    const role = new iam.Role(scope, 'Role', {
      path: appRolePath(this.environmentName),
      permissionsBoundary: this.appBoundary,
      description: `harmonix-cdk environment ${this.environmentName}: AWS permissions of the pods of namespace ${name} (EKS Pod Identity)`,
      assumedBy: podIdentityPrincipal(this.account, this.cluster.clusterArn),
    });
    const association = new eksl1.CfnPodIdentityAssociation(scope, 'PodIdentity', {
      clusterName: this.cluster.clusterName,
      namespace: name,
      serviceAccount: APP_SERVICE_ACCOUNT,
      roleArn: role.roleArn,
    });
    association.node.addDependency(manifest);
    const namespace: IEksNamespace = { name, serviceAccountName: APP_SERVICE_ACCOUNT, role };
    this.appNamespaces.set(name, namespace);
    return namespace;
  }

  private checkVersion(props: EksEnvironmentProps): string {
    const version = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const match = /^1\.(\d{2})$/.exec(version);
    if (!match) {
      throw propError(this, 'kubernetesVersion', `"${version}" is not a Kubernetes version in the form MAJOR.MINOR, such as "${DEFAULT_KUBERNETES_VERSION}".`);
    }
    if (!props.kubectlLayer && Math.abs(Number(match[1]) - KUBECTL_MINOR) > 1) {
      throw propError(this, 'kubernetesVersion',
        `${version} is more than one minor version from the bundled kubectl 1.${KUBECTL_MINOR}; pass \`kubectlLayer\` from @aws-cdk/lambda-layer-kubectl-v${match[1]}.`);
    }
    return version;
  }

  private endpointAccess(props: EksEnvironmentProps): eks.EndpointAccess {
    const cidrs = props.endpointPublicCidrs ?? [];
    cidrs.forEach((cidr, i) => validateCidr(this, `endpointPublicCidrs[${i}]`, cidr, 0, 32));
    if (props.endpointPrivateOnly) {
      if (cidrs.length > 0) {
        throw propError(this, 'endpointPublicCidrs', 'conflicts with endpointPrivateOnly: a private-only endpoint has no public address to restrict.');
      }
      return eks.EndpointAccess.PRIVATE;
    }
    if (cidrs.length > 0) {
      return eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...cidrs);
    }
    return eks.EndpointAccess.PUBLIC_AND_PRIVATE;
  }

  /** Load balancers for ingresses: internet-facing in the public subnets, internal in the private ones. */
  private tagSubnetsForLoadBalancers(vpc: ec2.IVpc): void {
    vpc.publicSubnets.forEach(s => Tags.of(s).add('kubernetes.io/role/elb', '1'));
    vpc.privateSubnets.forEach(s => Tags.of(s).add('kubernetes.io/role/internal-elb', '1'));
  }

  /** Auto Mode's load balancing: the default ingress class `alb`, internet-facing application load balancers. */
  private addAutoModeIngressClass(): void {
    this.cluster.addManifest('IngressClass', {
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'IngressClassParams',
      metadata: { name: 'alb' },
      spec: { scheme: 'internet-facing' },
    }, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'alb', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: 'eks.amazonaws.com/alb', parameters: { apiGroup: 'eks.amazonaws.com', kind: 'IngressClassParams', name: 'alb' } },
    });
  }

  /** Auto Mode's Graviton pool: arm64, on demand, C/M/R generation 6 or newer, on the default node class. */
  private addGravitonNodePool(): void {
    this.cluster.addManifest('GravitonNodePool', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'graviton', labels: { 'app.kubernetes.io/managed-by': 'harmonix-cdk' } },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
            requirements: [
              { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
              { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
              { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['5'] },
            ],
            expireAfter: '336h',
          },
        },
        disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '30s' },
        limits: { cpu: '1000' },
      },
    });
  }

  /**
   * Access entries, the only way in (no aws-auth ConfigMap, no creator admin): the provisioning
   * role may edit the application namespaces only; the operations role may view the cluster and
   * operate the application namespaces; the admin roles get cluster admin. (aws-eks-v2 adds one
   * more: cluster admin for its kubectl handler, which applies the namespaces.)
   */
  private grantAccess(adminRoleArns: string[]): void {
    // Namespaces are added after the constructor too: the policies are read at synthesis.
    const inNamespaces = (policy: string) => {
      const namespaces = [...this.appNamespaces.keys()];
      return namespaces.length === 0 ? [] : [{ policyArn: accessPolicy(policy), accessScope: { type: 'namespace', namespaces } }];
    };
    const inCluster = (policy: string) => ({ policyArn: accessPolicy(policy), accessScope: { type: 'cluster' } });
    const entry = (id: string, principalArn: string, policies: () => unknown[]) => new eksl1.CfnAccessEntry(this, id, {
      clusterName: this.cluster.clusterName,
      principalArn,
      type: 'STANDARD',
      accessPolicies: Lazy.any({ produce: policies }),
    });
    entry('ProvisioningAccess', this.provisioningRole.roleArn, () => inNamespaces('AmazonEKSEditPolicy'));
    entry('AppKubectlAccess', this.appKubectlProvider.role!.roleArn, () => inNamespaces('AmazonEKSEditPolicy'));
    entry('OperationsAccess', this.operationsRole.roleArn, () => [inCluster('AmazonEKSViewPolicy'), ...inNamespaces('AmazonEKSEditPolicy')]);
    adminRoleArns.forEach((arn, i) => entry(`AdminAccess${i}`, arn, () => [inCluster('AmazonEKSClusterAdminPolicy')]));
  }

  /** What the provisioning and operations roles may call on the cluster through AWS APIs. */
  private grantClusterPermissions(name: string): void {
    const stack = Stack.of(this);
    const describe = { sid: 'DescribeCluster', actions: ['eks:DescribeCluster'], resources: [this.cluster.clusterArn] };
    this.grantProvisioning(describe);
    this.grantOperations(describe);
    this.grantOperations({
      sid: 'ReadClusterParts',
      actions: ['eks:DescribeNodegroup', 'eks:DescribeAddon', 'eks:ListNodegroups', 'eks:ListAddons'],
      resources: [
        this.cluster.clusterArn,
        stack.formatArn({ service: 'eks', resource: 'nodegroup', resourceName: `${name}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        stack.formatArn({ service: 'eks', resource: 'addon', resourceName: `${name}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      ],
      wildcardReason: `The node groups and add-ons of this environment's cluster ${name} only.`,
    });
    this.grantOperations({
      sid: 'ReadClusterLogs',
      actions: LOG_READ_ACTIONS,
      resources: [
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/eks/${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/containerinsights/${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      wildcardReason: `The control-plane and container log groups of this environment's cluster ${name}, and their streams.`,
    });
  }

  /** The runtime view: its namespaces are the ones added so far, read when asked. */
  private runtimeView(): IEksRuntime {
    const namespaces = this.appNamespaces;
    return {
      cluster: this.cluster,
      clusterArn: this.cluster.clusterArn,
      kubernetesVersion: this.kubernetesVersion,
      oidcIssuer: this.cluster.clusterOpenIdConnectIssuerUrl,
      appKubectlProvider: this.appKubectlProvider,
      nodeArchitectures: this.compute.nodeArchitectures,
      get namespaces() {
        return [...namespaces.values()];
      },
    };
  }
}

/**
 * Pod Security Admission labels of an application namespace: the `restricted` profile enforced
 * (a pod that runs as root, escalates privileges, keeps capabilities or lacks a seccomp profile is
 * refused), and warned and audited, at the cluster's own version of the profile.
 */
function podSecurityLabels(kubernetesVersion: string): Record<string, string> {
  const version = `v${kubernetesVersion}`;
  return Object.fromEntries(['enforce', 'audit', 'warn'].flatMap(mode => [
    [`pod-security.kubernetes.io/${mode}`, 'restricted'],
    [`pod-security.kubernetes.io/${mode}-version`, version],
  ]));
}
