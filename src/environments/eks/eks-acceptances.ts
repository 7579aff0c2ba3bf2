import { Aspects, CfnCondition, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { acceptFindings, hasWildcard, NagAcceptance, wildcardResourceFindingId } from '../../common/nag';

const managed = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`;

/** The AWS managed policies EKS requires on the cluster role, and why each stays. */
const CLUSTER_ROLE_POLICIES: Record<string, string> = {
  AmazonEKSClusterPolicy: 'the control plane manages the cluster\'s network interfaces and security groups',
  AmazonEKSComputePolicy: 'Auto Mode launches and ends the nodes of its node pools',
  AmazonEKSBlockStoragePolicy: 'Auto Mode attaches the EBS volumes of persistent volume claims',
  AmazonEKSLoadBalancingPolicy: 'Auto Mode creates the load balancers of services and ingresses',
  AmazonEKSNetworkingPolicy: 'Auto Mode manages the network interfaces of pods',
};

/**
 * The findings of the roles aws-eks-v2 creates for the cluster, its Auto Mode nodes and its
 * kubectl handler: AWS managed policies that EKS and Lambda document as required, kept current
 * by AWS with the service. Each is accepted on its role, by its exact policy.
 */
export function acceptClusterFindings(
  cluster: eks.Cluster, autoMode: boolean, appKubectlProvider: eks.KubectlProvider, loadBalancerController?: IConstruct,
): void {
  const required = (policies: Record<string, string>, why: string): NagAcceptance[] =>
    Object.entries(policies).map(([name, what]) => ({ id: managed(name), reason: `${why}: ${what}.` }));
  const clusterPolicies = autoMode ? CLUSTER_ROLE_POLICIES : { AmazonEKSClusterPolicy: CLUSTER_ROLE_POLICIES.AmazonEKSClusterPolicy };
  acceptFindings(cluster.role, ...required(clusterPolicies, 'EKS requires this AWS managed policy on the cluster role'));
  const nodeRole = cluster.node.tryFindChild('ClusternodePoolRole');
  if (nodeRole) {
    acceptFindings(nodeRole, ...required({
      AmazonEKSWorkerNodePolicy: 'nodes join the cluster and describe their instance',
      AmazonEC2ContainerRegistryReadOnly: 'nodes pull images, and the pod images of ECR repositories that allow them',
    }, 'EKS requires this AWS managed policy on the role of Auto Mode nodes'));
  }
  const nodeGroupRole = cluster.node.tryFindChild('NodegroupNodes')?.node.tryFindChild('NodeGroupRole');
  if (nodeGroupRole) {
    acceptFindings(nodeGroupRole, ...required({
      AmazonEKSWorkerNodePolicy: 'nodes join the cluster and describe their instance',
      AmazonEKS_CNI_Policy: 'the VPC CNI on each node assigns pod addresses from the VPC',
      AmazonEC2ContainerRegistryReadOnly: 'nodes pull images, and the pod images of ECR repositories that allow them',
    }, 'EKS requires this AWS managed policy on the role of managed node group nodes'));
  }
  if (loadBalancerController) {
    acceptAlbControllerFindings(loadBalancerController);
  }
  const provider = cluster.kubectlProvider as unknown as IConstruct | undefined;
  if (provider) {
    acceptKubectlHandlerFindings(provider, 'aws-eks-v2\'s kubectl handler, which applies the environment\'s namespaces and ingress classes');
  }
  acceptKubectlHandlerFindings(appKubectlProvider, 'the kubectl handler of app objects (edit rights in the application namespaces only)');
}

/**
 * The AWS Load Balancer Controller's policy is the one its maintainers publish for its version
 * (explicit actions, no wildcard action); its resources are load balancers, target groups and
 * security groups it creates at run time, whose names it cannot know before. Each wildcard
 * resource is accepted by its exact ARN pattern, read from the policy at synthesis.
 */
function acceptAlbControllerFindings(controller: IConstruct): void {
  Aspects.of(controller).add({
    visit: node => {
      if (!(node instanceof iam.CfnPolicy)) {
        return;
      }
      const document = Stack.of(node).resolve(node.policyDocument) as { Statement: Array<{ Resource?: unknown }> };
      const resources = new Set(document.Statement.flatMap(st => [st.Resource ?? []].flat()));
      for (const resource of resources) {
        const text = typeof resource === 'string' ? resource : JSON.stringify(resource);
        if (hasWildcard(node, resource as string)) {
          acceptFindings(node, {
            id: wildcardResourceFindingId(node, resource as string),
            reason: `The AWS Load Balancer Controller's published policy: ${text.includes('security-group') ? 'security groups' : 'load balancers, listeners, rules and target groups'} it creates for ingresses at run time, or calls without resource-level permissions.`,
          });
        }
      }
    },
  });
}

/** A kubectl handler of aws-eks-v2's making, which applies Kubernetes objects: `why` says which. */
function acceptKubectlHandlerFindings(provider: IConstruct, why: string): void {
  const handler = provider.node.findChild('Handler') as lambda.Function;
  const condition = handler.node.findChild('HasEcrPublic') as CfnCondition;
  const ecrPublic = `{"Fn::If":["${Stack.of(condition).resolve(condition.logicalId)}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},`
    + '":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}';
  acceptFindings(handler.role!,
    { id: managed('service-role/AWSLambdaBasicExecutionRole'), reason: `${why}, writes its own logs only.` },
    { id: managed('service-role/AWSLambdaVPCAccessExecutionRole'), reason: `${why}, runs in the private subnets to reach a private endpoint.` },
    { id: managed('AmazonEC2ContainerRegistryReadOnly'), reason: `${why}, reads chart images from ECR (aws-eks-v2's design).` },
    { id: `AwsSolutions-IAM4[Policy::${ecrPublic}]`, reason: `${why}, reads public chart images from ECR Public (aws-eks-v2's design).` },
  );
  acceptFindings(handler, {
    id: 'AwsSolutions-L1',
    reason: `${why}: its runtime is the one aws-cdk-lib pins and tests with its kubectl bundle.`,
  });
  const framework = provider.node.findChild('Provider').node.findChild('framework-onEvent') as lambda.Function;
  acceptFindings(framework.role!,
    { id: managed('service-role/AWSLambdaBasicExecutionRole'), reason: `The custom resource provider of ${why} writes its own logs only.` },
    { id: managed('service-role/AWSLambdaVPCAccessExecutionRole'), reason: `The custom resource provider of ${why} runs in the private subnets beside it.` },
    {
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(handler).resolve((handler.node.defaultChild as lambda.CfnFunction).logicalId)}.Arn>:*]`,
      reason: 'The provider invokes the versions of the kubectl handler function only (its ARN followed by a version).',
    },
  );
}
