import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DescriptorReader } from '../descriptor-reader';

/** One application namespace of an EKS environment, as its descriptor records it. */
export interface EksNamespaceDescriptor {
  /** Name of the Kubernetes namespace. */
  readonly name: string;
  /** Name of the namespace's service account that workloads run as. */
  readonly serviceAccountName: string;
  /** ARN of the IAM role that service account gets through EKS Pod Identity. */
  readonly roleArn: string;
}

/** The EKS runtime of an environment, as its descriptor records it. */
export interface EksRuntimeDescriptor {
  /** Name of the cluster. */
  readonly clusterName: string;
  /** ARN of the cluster. */
  readonly clusterArn: string;
  /** Endpoint of the cluster's Kubernetes API. */
  readonly clusterEndpoint: string;
  /** Security group EKS created for the control plane and managed nodes. */
  readonly clusterSecurityGroupId: string;
  /** Kubernetes version, `MAJOR.MINOR`. */
  readonly kubernetesVersion: string;
  /** OpenID Connect issuer URL of the cluster (service account tokens). */
  readonly oidcIssuer: string;
  /** The application namespaces, with the role of each. */
  readonly namespaces: EksNamespaceDescriptor[];
  /**
   * Service token of the kubectl handler that applies the objects of apps, with edit rights in
   * the application namespaces only (absent from descriptors written before apps ran on EKS).
   */
  readonly appKubectlServiceToken?: string;
  /** CPU architectures of the nodes pods can be scheduled on (`arm64`, `amd64`), when recorded. */
  readonly nodeArchitectures?: string[];
}

/** One application namespace, the same for an owned and an imported environment. */
export interface IEksNamespace {
  /** Name of the Kubernetes namespace. */
  readonly name: string;
  /** The service account workloads of the namespace run as. */
  readonly serviceAccountName: string;
  /** The role that service account gets through EKS Pod Identity. */
  readonly role: iam.IRole;
}

/** The EKS runtime of an environment, the same for an owned and an imported one. */
export interface IEksRuntime {
  /** The cluster (`aws-eks-v2`). */
  readonly cluster: eks.ICluster;
  /** ARN of the cluster, in the environment's account and region (also when imported elsewhere). */
  readonly clusterArn: string;
  /** Kubernetes version, `MAJOR.MINOR`. */
  readonly kubernetesVersion: string;
  /** OpenID Connect issuer URL of the cluster. */
  readonly oidcIssuer: string;
  /** The application namespaces (for an owned environment: those added so far). */
  readonly namespaces: IEksNamespace[];
  /**
   * The kubectl handler that applies the objects of apps: its access entry gives it edit rights
   * in the application namespaces only (never cluster admin).
   * @default - none: the environment predates apps on EKS; update it to deploy apps
   */
  readonly appKubectlProvider?: eks.IKubectlProvider;
  /**
   * CPU architectures of the nodes pods can be scheduled on, as Kubernetes names them
   * (`kubernetes.io/arch`: `arm64`, `amd64`).
   * @default - not recorded: any architecture is assumed
   */
  readonly nodeArchitectures?: string[];
}

/** The namespace entries of a descriptor, from the runtime view's namespaces. */
export function describeEksNamespaces(namespaces: IEksNamespace[]): EksNamespaceDescriptor[] {
  return namespaces.map(n => ({ name: n.name, serviceAccountName: n.serviceAccountName, roleArn: n.role.roleArn }));
}

/**
 * The EKS slice of a descriptor, from the runtime view. `namespaces` may be given as a lazy
 * value by an owned environment, whose namespaces are added after its constructor.
 */
export function describeEksRuntime(runtime: IEksRuntime, namespaces?: EksNamespaceDescriptor[]): EksRuntimeDescriptor {
  return {
    clusterName: runtime.cluster.clusterName,
    clusterArn: runtime.clusterArn,
    clusterEndpoint: runtime.cluster.clusterEndpoint,
    clusterSecurityGroupId: runtime.cluster.clusterSecurityGroupId,
    kubernetesVersion: runtime.kubernetesVersion,
    oidcIssuer: runtime.oidcIssuer,
    namespaces: namespaces ?? describeEksNamespaces(runtime.namespaces),
    appKubectlServiceToken: runtime.appKubectlProvider?.serviceToken,
    nodeArchitectures: runtime.nodeArchitectures,
  };
}

/** Reads and checks the EKS slice. */
export function readEksRuntime(r: DescriptorReader): EksRuntimeDescriptor {
  return {
    clusterName: r.str('clusterName'),
    clusterArn: r.str('clusterArn'),
    clusterEndpoint: r.str('clusterEndpoint'),
    clusterSecurityGroupId: r.str('clusterSecurityGroupId'),
    kubernetesVersion: r.str('kubernetesVersion'),
    oidcIssuer: r.str('oidcIssuer'),
    namespaces: r.objs('namespaces', n => ({
      name: n.str('name'),
      serviceAccountName: n.str('serviceAccountName'),
      roleArn: n.str('roleArn'),
    })),
    appKubectlServiceToken: r.optStr('appKubectlServiceToken'),
    nodeArchitectures: r.optStrs('nodeArchitectures'),
  };
}

/** Where an imported EKS runtime lives. */
export interface EksImportContext {
  readonly vpc: ec2.IVpc;
}

/** The EKS runtime a descriptor slice describes, as references in `scope`. */
export function importEksRuntime(scope: Construct, slice: EksRuntimeDescriptor, context: EksImportContext): IEksRuntime {
  const appKubectlProvider = slice.appKubectlServiceToken === undefined ? undefined
    : eks.KubectlProvider.fromKubectlProviderAttributes(scope, 'AppKubectlProvider', { serviceToken: slice.appKubectlServiceToken });
  return {
    cluster: eks.Cluster.fromClusterAttributes(scope, 'Cluster', {
      clusterName: slice.clusterName,
      clusterEndpoint: slice.clusterEndpoint,
      clusterSecurityGroupId: slice.clusterSecurityGroupId,
      vpc: context.vpc,
      kubectlProvider: appKubectlProvider,
    }),
    appKubectlProvider,
    nodeArchitectures: slice.nodeArchitectures,
    clusterArn: slice.clusterArn,
    kubernetesVersion: slice.kubernetesVersion,
    oidcIssuer: slice.oidcIssuer,
    namespaces: slice.namespaces.map(n => ({
      name: n.name,
      serviceAccountName: n.serviceAccountName,
      role: iam.Role.fromRoleArn(scope, `NamespaceRole-${n.name}`, n.roleArn, { mutable: false }),
    })),
  };
}
