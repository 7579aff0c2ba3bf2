import * as fs from 'fs';
import * as path from 'path';
import { Aws, Duration, Names, Stack } from 'aws-cdk-lib';
import * as eksl1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { podIdentityPrincipal } from './pod-identity';

/** The controller's service account, in kube-system, as its chart names it. */
const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT = 'aws-load-balancer-controller';

/** Where aws-eks-v2's AlbController pulls the controller's image from by default (AWS's EKS add-on registry in us-west-2), kept so an update pulls the same image. */
const IMAGE_REPOSITORY = '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller';

/** How the AWS Load Balancer Controller is installed. */
export interface LoadBalancerControllerProps {
  readonly cluster: eks.Cluster;
  /** The controller's version: its chart and the IAM policy its maintainers publish for it. */
  readonly version: eks.AlbControllerVersion;
  /** The Pod Identity agent add-on, which must run before the controller's pods ask for credentials. */
  readonly podIdentityAgent: eks.IAddon;
}

/**
 * The AWS Load Balancer Controller of a cluster with managed nodes, its credentials through EKS
 * Pod Identity: the chart aws-eks-v2's `albController` installs, with the policy published for
 * the version, but without IAM roles for service accounts, whose OpenID Connect provider
 * aws-eks-v2 builds with a deprecated construct (a warning on every synthesis) and which Pod
 * Identity replaces (no provider, no trust policy per service account).
 */
export class LoadBalancerController extends Construct {
  /** The controller of a cluster, at the path aws-eks-v2's AlbController takes (see the service account and chart). */
  public static of(props: LoadBalancerControllerProps): LoadBalancerController {
    return new LoadBalancerController(Stack.of(props.cluster), `${Names.nodeUniqueId(props.cluster.node)}-AlbController`, props);
  }

  /** The role the controller's pods receive. */
  public readonly role: iam.Role;

  private constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    super(scope, id);
    const { cluster } = props;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: podIdentityPrincipal(Stack.of(this).account, cluster.clusterArn),
      description: 'The AWS Load Balancer Controller: load balancers for the cluster\'s ingresses and services',
    });
    const policy = new iam.Policy(this, 'Policy', { roles: [this.role] });
    for (const statement of publishedPolicy(props.version).Statement) {
      policy.addStatements(iam.PolicyStatement.fromJson({ ...statement, Resource: inPartition(statement.Resource) }));
    }

    // The service account and the chart keep the construct paths of aws-eks-v2's AlbController
    // (this construct's id, `alb-sa`, `Resource`), so an environment deployed with it updates both
    // in place: the service account loses its IRSA annotation, the chart its IRSA role, and the
    // Helm release is neither created twice nor uninstalled.
    const serviceAccount = new eks.KubernetesManifest(new Construct(this, 'alb-sa'), 'manifest-alb-saServiceAccountResource', {
      cluster,
      overwrite: true,
      manifest: [{
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: SERVICE_ACCOUNT, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': SERVICE_ACCOUNT } },
      }],
    });
    const association = new eksl1.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });
    association.node.addDependency(policy);

    const chart = new eks.HelmChart(this, 'Resource', {
      cluster,
      chart: 'aws-load-balancer-controller',
      repository: 'https://aws.github.io/eks-charts',
      namespace: NAMESPACE,
      release: 'aws-load-balancer-controller',
      version: props.version.helmChartVersion,
      wait: true,
      timeout: Duration.minutes(15),
      values: {
        clusterName: cluster.clusterName,
        serviceAccount: { create: false, name: SERVICE_ACCOUNT },
        region: Stack.of(this).region,
        vpcId: cluster.vpc.vpcId,
        image: { repository: IMAGE_REPOSITORY, tag: props.version.version },
      },
    });
    chart.node.addDependency(serviceAccount, association, props.podIdentityAgent);
  }
}

interface PolicyDocumentJson { readonly Statement: Array<{ readonly Resource?: string | string[] } & Record<string, unknown>> }

/** The IAM policy the controller's maintainers publish for a version, as aws-cdk-lib ships it. */
function publishedPolicy(version: eks.AlbControllerVersion): PolicyDocumentJson {
  const addons = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-eks-v2')), 'lib', 'addons');
  return JSON.parse(fs.readFileSync(path.join(addons, `alb-iam_policy-${version.version}.json`), 'utf8'));
}

/** The published policy names the aws partition: ARNs in the stack's partition instead. */
function inPartition(resource: string | string[] | undefined): string | string[] | undefined {
  const rewrite = (arn: string) => arn.replace(/^arn:aws:/, `arn:${Aws.PARTITION}:`);
  return resource === undefined ? undefined : Array.isArray(resource) ? resource.map(rewrite) : rewrite(resource);
}
