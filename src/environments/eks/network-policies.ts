import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * Makes the cluster enforce Kubernetes NetworkPolicies (apps isolate their pods with them),
 * through the VPC CNI's network policy agent: Auto Mode runs it when the `amazon-vpc-cni`
 * ConfigMap enables its controller; on managed nodes the VPC CNI add-on enables it.
 */
export function enforceNetworkPolicies(cluster: eks.Cluster, autoMode: boolean): void {
  if (autoMode) {
    cluster.addManifest('NetworkPolicyController', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });
    return;
  }
  new eks.Addon(cluster, 'VpcCni', {
    cluster,
    addonName: 'vpc-cni',
    configurationValues: { enableNetworkPolicy: 'true' },
  });
}
