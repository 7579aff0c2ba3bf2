import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { EksComputeType, EksEnvironment, EksEnvironmentProps, HarmonixEnvironment } from '../../../src';
import { baseProps, logicalIdOf, testApp, testStack, TEST_ENV } from '../../fixtures/app';
import { deployedDescriptorJson } from '../../fixtures/deployed';
import { actionsOf, allIdentityStatements, renderValue } from '../../fixtures/iam';
import { expectLoudOutput } from '../../setup/quiet';

const props = (overrides: Partial<EksEnvironmentProps> = {}) => baseProps<EksEnvironmentProps>(overrides as EksEnvironmentProps);
const policy = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:eks::aws:cluster-access-policy/${name}`]] });

const published = (template: Template) => JSON.parse(deployedDescriptorJson(template, 'Env'));

function build(overrides: Partial<EksEnvironmentProps> = {}, namespaces: string[] = []) {
  const stack = testStack(testApp());
  const env = new EksEnvironment(stack, 'Env', props(overrides));
  namespaces.forEach(n => env.addAppNamespace(n));
  return { stack, env, template: Template.fromStack(stack) };
}

describe('EksEnvironment, Auto Mode (default)', () => {
  const { env, template, stack } = build({ appNamespaces: ['orders'] }, ['shop']);
  const clusterId = logicalIdOf(template, 'AWS::EKS::Cluster', 'EnvCluster');
  const keyArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'EnvKey'), 'Arn'] };

  test('the cluster: current version, Auto Mode, secrets under the environment key, every control-plane log, access entries only', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'harmonix-dev',
      Version: '1.35',
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      ComputeConfig: Match.objectLike({ Enabled: true, NodePools: ['system', 'general-purpose'] }),
      EncryptionConfig: [{ Provider: { KeyArn: keyArn }, Resources: ['secrets'] }],
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map(type => ({ Type: type })) } },
      ResourcesVpcConfig: Match.objectLike({
        EndpointPublicAccess: true, EndpointPrivateAccess: true, SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('privateSubnet') }]),
      }),
    });
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    template.resourceCountIs('AWS::EKS::FargateProfile', 0);
    expect(env.kubernetesVersion).toBe('1.35');
  });

  test('control-plane logs: their log group exists first, with retention and the key', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'EnvControlPlaneLogs');
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/harmonix-dev/cluster', RetentionInDays: 30, KmsKeyId: keyArn });
    expect(template.toJSON().Resources[clusterId].DependsOn).toContain(logGroupId);
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(key.map((s: any) => s.Sid)).toEqual(expect.arrayContaining(['AllowCloudWatchLogsForControlPlane', 'AllowCloudWatchLogsForContainers']));
  });

  test('access entries: provisioning and the apps\' kubectl handler edit the app namespaces only, operations views the cluster and operates them, aws-eks-v2\'s handler; nobody else', () => {
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')).map(r => r.Properties);
    const byPrincipal = (prefix: string) => entries.filter(e => renderValue(e.PrincipalArn).startsWith(`<${prefix}`));
    expect(entries).toHaveLength(4);
    expect(byPrincipal('EnvAppKubectlProviderHandlerServiceRole')[0]).toMatchObject({
      Type: 'STANDARD',
      AccessPolicies: [{ PolicyArn: policy('AmazonEKSEditPolicy'), AccessScope: { Type: 'namespace', Namespaces: ['orders', 'shop'] } }],
    });
    expect(byPrincipal('EnvProvisioningRole')[0]).toMatchObject({
      Type: 'STANDARD',
      AccessPolicies: [{ PolicyArn: policy('AmazonEKSEditPolicy'), AccessScope: { Type: 'namespace', Namespaces: ['orders', 'shop'] } }],
    });
    expect(byPrincipal('EnvOperationsRole')[0].AccessPolicies).toEqual([
      { PolicyArn: policy('AmazonEKSViewPolicy'), AccessScope: { Type: 'cluster' } },
      { PolicyArn: policy('AmazonEKSEditPolicy'), AccessScope: { Type: 'namespace', Namespaces: ['orders', 'shop'] } },
    ]);
    // aws-eks-v2's kubectl handler applies the namespaces: cluster admin, its only holder.
    expect(byPrincipal('EnvClusterKubectlProviderHandlerServiceRole')[0].AccessPolicies).toEqual([
      expect.objectContaining({ AccessScope: { Type: 'cluster' }, PolicyArn: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])] }) }),
    ]);
  });

  test('app namespaces enforce Pod Security Admission\'s restricted profile at the cluster\'s version, and warn and audit by it', () => {
    const namespaces = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .flatMap(r => JSON.parse(renderValue(r.Properties.Manifest))).filter(o => o.kind === 'Namespace');
    expect(namespaces.map(n => n.metadata.name).sort()).toEqual(['orders', 'shop']);
    for (const namespace of namespaces) {
      expect(namespace.metadata.labels).toEqual(expect.objectContaining({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.35',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.35',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'v1.35',
      }));
    }
  });

  test('an app namespace: the namespace and its service account, a role with the boundary under the path, a Pod Identity association', () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(r => JSON.parse(renderValue(r.Properties.Manifest)));
    const orders = manifests.find(m => m[0].kind === 'Namespace' && m[0].metadata.name === 'orders');
    // aws-eks-v2 adds its prune label to every object it applies.
    expect(orders).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders', labels: expect.objectContaining({ 'harmonix.dev/environment': 'dev', 'app.kubernetes.io/managed-by': 'harmonix-cdk' }) } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'orders', labels: expect.objectContaining({ 'app.kubernetes.io/managed-by': 'harmonix-cdk' }) } },
    ]);
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'EnvNamespaceordersRole');
    const role = template.toJSON().Resources[roleId].Properties;
    expect(role.Path).toBe('/harmonix/dev/');
    expect(role.PermissionsBoundary).toEqual({ Ref: logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'EnvAppBoundary') });
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [clusterId, 'Arn'] } } },
    }]);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: { Ref: clusterId }, Namespace: 'orders', ServiceAccount: 'app', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 2);
    expect(env.eks!.namespaces.map(n => [n.name, n.serviceAccountName])).toEqual([['orders', 'app'], ['shop', 'app']]);
  });

  test('ingress: the default ingress class makes internet-facing ALBs in the public subnets; pods stay in the private ones', () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(r => JSON.parse(renderValue(r.Properties.Manifest)));
    const ingress = manifests.find(m => m[0].kind === 'IngressClassParams');
    expect(ingress[0].spec).toEqual({ scheme: 'internet-facing' });
    expect(ingress[1]).toMatchObject({
      kind: 'IngressClass', metadata: { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'eks.amazonaws.com/alb' },
    });
    const subnets = Object.entries(template.findResources('AWS::EC2::Subnet'));
    for (const [id, subnet] of subnets) {
      const role = id.includes('public') ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb';
      expect(subnet.Properties.Tags).toEqual(expect.arrayContaining([{ Key: role, Value: '1' }]));
    }
    template.resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 0);
  });

  test('container logs: the CloudWatch observability add-on, its agent on Pod Identity, log groups with retention first', () => {
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability',
      PodIdentityAssociations: [{ ServiceAccount: 'cloudwatch-agent', RoleArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'EnvContainerLoggingRole'), 'Arn'] } }],
    });
    const addon = Object.values(template.findResources('AWS::EKS::Addon')).find(a => a.Properties.AddonName === 'amazon-cloudwatch-observability')!;
    expect(JSON.parse(addon.Properties.ConfigurationValues).containerLogs).toEqual({ enabled: true });
    for (const name of ['application', 'dataplane', 'host', 'performance']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/containerinsights/harmonix-dev/${name}`, RetentionInDays: 30, KmsKeyId: keyArn });
    }
  });

  test('no wildcard action in any policy of the environment', () => {
    for (const statement of allIdentityStatements(template)) {
      expect(actionsOf(statement).filter(a => a.includes('*'))).toEqual([]);
    }
  });

  test('descriptor: an eks slice with every namespace (added after the constructor too) and its role; an output per field', () => {
    const descriptor = published(template);
    expect(descriptor.kind).toBe('EKS');
    expect(descriptor.schemaVersion).toBe('1.4');
    expect(descriptor.eks).toEqual({
      clusterName: 'harmonix-dev',
      clusterArn: 'arn:aws:eks:eu-west-1:111111111111:cluster/harmonix-dev',
      clusterEndpoint: expect.stringMatching(/^https:\/\/[0-9A-F]+\.gr7\.eu-west-1\.eks\.amazonaws\.com$/),
      clusterSecurityGroupId: expect.stringMatching(/^sg-/),
      kubernetesVersion: '1.35',
      oidcIssuer: expect.stringMatching(/^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\//),
      namespaces: [
        { name: 'orders', serviceAccountName: 'app', roleArn: expect.stringMatching(/^arn:aws:iam::111111111111:role\/harmonix\/dev\//) },
        { name: 'shop', serviceAccountName: 'app', roleArn: expect.stringMatching(/^arn:aws:iam::111111111111:role\/harmonix\/dev\//) },
      ],
      appKubectlServiceToken: expect.stringMatching(/^arn:aws:lambda:eu-west-1:111111111111:function:/),
      nodeArchitectures: ['arm64', 'amd64'],
    });
    const outputs = template.toJSON().Outputs;
    const namespacesOutput = Object.entries<any>(outputs).find(([id]) => id.startsWith('EnvEksNamespaces'))![1];
    expect(renderValue(namespacesOutput.Value)).toContain('"name":"shop"');
    expect(Object.keys(outputs).filter(id => id.startsWith('EnvEks')).length).toBe(9);
    expect(env.descriptor.eks!.namespaces.map(n => n.name)).toEqual(['orders', 'shop']);
    void stack;
  });

  test('imported from its descriptor in another account\'s app: the same cluster, namespaces and roles', () => {
    const consumer = new Stack(testApp(), 'Platform', { env: { account: '222222222222', region: 'eu-west-1' } });
    const imported = HarmonixEnvironment.fromDescriptorJson(consumer, 'Dev', deployedDescriptorJson(template, 'Env'));
    expect(imported.kind).toBe('EKS');
    expect(imported.eks!.cluster.clusterName).toBe('harmonix-dev');
    expect(imported.eks!.clusterArn).toBe('arn:aws:eks:eu-west-1:111111111111:cluster/harmonix-dev');
    expect(imported.eks!.kubernetesVersion).toBe('1.35');
    expect(imported.eks!.namespaces.map(n => n.name)).toEqual(['orders', 'shop']);
    expect(imported.eks!.namespaces[0].role.roleArn).toMatch(/^arn:aws:iam::111111111111:role\/harmonix\/dev\//);
    expect(imported.ecs).toBeUndefined();
    expect(imported.eks!.appKubectlProvider!.serviceToken).toBe(published(template).eks.appKubectlServiceToken);
    expect(imported.eks!.nodeArchitectures).toEqual(['arm64', 'amd64']);
  });

  test('Auto Mode gets a Graviton node pool (its general-purpose pool is amd64 only), network policies enforced, the metrics server for autoscalers', () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(r => JSON.parse(renderValue(r.Properties.Manifest))[0]);
    const pool = manifests.find(m => m.kind === 'NodePool');
    expect(pool).toMatchObject({
      apiVersion: 'karpenter.sh/v1',
      metadata: { name: 'graviton' },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
            requirements: expect.arrayContaining([{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }]),
          },
        },
      },
    });
    expect(manifests.find(m => m.kind === 'ConfigMap')).toMatchObject({
      metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' }, data: { 'enable-network-policy-controller': 'true' },
    });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'metrics-server' });
  });

  test('aws-eks-v2\'s kubectl handlers and their providers log into groups of the environment, with retention and the key', () => {
    // With aws-cdk-lib's recommended flags too, whose log groups of functions are unencrypted.
    for (const context of [{}, { '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true }]) {
      const s = testStack(testApp({ context }));
      new EksEnvironment(s, 'Env', props());
      const t = Template.fromStack(s);
      const groups = t.findResources('AWS::Logs::LogGroup');
      const kubectl = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => /KubectlProvider/.test(id));
      const logs = kubectl.map(([id, f]) => [id.replace(/[0-9A-F]{8}$/, ''), groups[f.Properties.LoggingConfig.LogGroup.Ref].Properties]);
      expect(Object.fromEntries(logs)).toEqual({
        EnvClusterKubectlProviderHandler: expect.objectContaining({ LogGroupName: '/harmonix/dev/kubectl/cluster/handler', RetentionInDays: 30, KmsKeyId: keyArn }),
        EnvClusterKubectlProviderframeworkonEvent: expect.objectContaining({ LogGroupName: '/harmonix/dev/kubectl/cluster/provider/framework-onevent', RetentionInDays: 30, KmsKeyId: keyArn }),
        EnvAppKubectlProviderHandler: expect.objectContaining({ LogGroupName: '/harmonix/dev/kubectl/apps/handler', RetentionInDays: 30, KmsKeyId: keyArn }),
        EnvAppKubectlProviderframeworkonEvent: expect.objectContaining({ LogGroupName: '/harmonix/dev/kubectl/apps/provider/framework-onevent', RetentionInDays: 30, KmsKeyId: keyArn }),
      });
      // No log group of the environment goes without the key.
      expect(Object.entries(groups).filter(([, g]) => !g.Properties.KmsKeyId).map(([id]) => id)).toEqual([]);
    }
  });

  test('app stacks never apply objects through aws-eks-v2\'s cluster-admin handler: the execution policy denies invoking it (and only it)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const deny = statements.find(st => st.Sid === 'NeverThroughTheClusterAdminHandler')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Action: 'lambda:InvokeFunction' });
    expect(renderValue(deny.Resource)).toMatch(/^<EnvClusterKubectlProviderframeworkonEvent\w+\.Arn>$/);
  });
});

describe('EksEnvironment, managed node group', () => {
  const { template, stack } = build({
    computeType: EksComputeType.MANAGED_NODE_GROUP,
    nodeGroup: { spot: true, minSize: 2, maxSize: 6, instanceTypes: [ec2.InstanceType.of(ec2.InstanceClass.C7G, ec2.InstanceSize.XLARGE)] },
    endpointPublicCidrs: ['203.0.113.0/24'],
    adminRoleArns: ['arn:aws:iam::111111111111:role/platform-admin'],
  }, ['orders']);

  test('the load balancer controller gets its role through Pod Identity: no OpenID Connect provider, no role for a service account token', () => {
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const roleIds = Object.keys(template.findResources('AWS::IAM::Role')).filter(id => /AlbControllerRole/.test(id));
    expect(roleIds).toHaveLength(1);
    const roleId = roleIds[0];
    expect(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
    })]);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system', ServiceAccount: 'aws-load-balancer-controller', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    const serviceAccount = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .flatMap(r => JSON.parse(renderValue(r.Properties.Manifest))).find(o => o.kind === 'ServiceAccount' && o.metadata.namespace === 'kube-system');
    expect(serviceAccount.metadata.name).toBe('aws-load-balancer-controller');
    expect(serviceAccount.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBeUndefined();
  });

  test('an environment deployed with aws-eks-v2\'s AlbController updates in place: the chart and the service account keep its logical IDs', () => {
    // What aws-eks-v2's albController made at the same cluster path (it prints its deprecation, and
    // the default VPC of a bare cluster the validation's zone warning).
    expectLoudOutput(/OpenIdConnectProvider is deprecated/);
    expectLoudOutput(/Avoid hardcoding availability zones/);
    const before = new Stack(testApp(), stack.stackName, { env: TEST_ENV });
    new eks.Cluster(new Construct(before, 'Env'), 'Cluster', {
      version: eks.KubernetesVersion.of('1.35'),
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(before, 'Layer') },
      albController: { version: eks.AlbControllerVersion.V3_2_2 },
    });
    const kubernetesIds = (t: Template) => [
      ...Object.entries(t.findResources('Custom::AWSCDK-EKS-HelmChart')).filter(([, r]) => r.Properties.Chart === 'aws-load-balancer-controller').map(([id]) => id),
      ...Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([, r]) => /aws-load-balancer-controller/.test(renderValue(r.Properties.Manifest))).map(([id]) => id),
    ];
    const previous = kubernetesIds(Template.fromStack(before));
    expect(previous).toHaveLength(2);
    expect(kubernetesIds(template)).toEqual(previous);
  });

  test('Graviton nodes on Spot in the private subnets, no Auto Mode', () => {
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      NodegroupName: 'harmonix-dev-nodes',
      AmiType: 'AL2023_ARM_64_STANDARD',
      CapacityType: 'SPOT',
      InstanceTypes: ['c7g.xlarge'],
      ScalingConfig: { MinSize: 2, MaxSize: 6, DesiredSize: 2 },
      DiskSize: 40,
      Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('privateSubnet') }]),
    });
    template.hasResourceProperties('AWS::EKS::Cluster', { ComputeConfig: { Enabled: false } });
  });

  test('the AWS Load Balancer Controller for ingresses, and the Pod Identity agent add-on', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'aws-load-balancer-controller' });
    const chartId = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(([, r]) => r.Properties.Chart === 'aws-load-balancer-controller')![0];
    const chart = template.toJSON().Resources[chartId];
    expect(JSON.parse(renderValue(chart.Properties.Values)).serviceAccount).toEqual({ create: false, name: 'aws-load-balancer-controller' });
    expect(chart.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(template, 'AWS::EKS::Addon', 'EnvClusterEksPodIdentityAgentAddon')]));
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    const observability = Object.values(template.findResources('AWS::EKS::Addon')).find(a => a.Properties.AddonName === 'amazon-cloudwatch-observability')!;
    expect(observability.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(template, 'AWS::EKS::Addon', 'EnvClusterEksPodIdentityAgentAddon')]));
  });

  test('the public endpoint only from the given CIDR blocks; admins get cluster admin', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] }),
    });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::111111111111:role/platform-admin',
      AccessPolicies: [{ PolicyArn: policy('AmazonEKSClusterAdminPolicy'), AccessScope: { Type: 'cluster' } }],
    });
    template.resourceCountIs('AWS::EKS::AccessEntry', 5);
  });

  test('network policies enforced by the VPC CNI add-on; Graviton nodes recorded; no Auto Mode node pool', () => {
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', ConfigurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }) });
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(r => renderValue(r.Properties.Manifest));
    expect(manifests.filter(m => m.includes('NodePool'))).toEqual([]);
    expect(published(template).eks.nodeArchitectures).toEqual(['arm64']);
  });

  test('no wildcard action, the load balancer controller\'s policy included', () => {
    for (const statement of allIdentityStatements(template)) {
      expect(actionsOf(statement).filter(a => a.includes('*'))).toEqual([]);
    }
  });
});

test('a private-only endpoint; no namespaces yet: the provisioning role has no access policy', () => {
  const { template } = build({ endpointPrivateOnly: true });
  template.hasResourceProperties('AWS::EKS::Cluster', { ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false, EndpointPrivateAccess: true }) });
  const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')).map(r => r.Properties);
  expect(entries.find(e => renderValue(e.PrincipalArn).startsWith('<EnvProvisioningRole'))!.AccessPolicies).toEqual([]);
  expect(entries.find(e => renderValue(e.PrincipalArn).startsWith('<EnvOperationsRole'))!.AccessPolicies).toEqual([
    { PolicyArn: policy('AmazonEKSViewPolicy'), AccessScope: { Type: 'cluster' } },
  ]);
});

describe('bad input is refused with the construct path and the prop', () => {
  test.each([
    ['a version with a patch', { kubernetesVersion: '1.35.2' }, /Workload\/Env: invalid `kubernetesVersion`: "1.35.2" is not a Kubernetes version in the form MAJOR.MINOR/],
    ['a version with a v', { kubernetesVersion: 'v1.35' }, /invalid `kubernetesVersion`/],
    ['a version kubectl 1.35 cannot manage', { kubernetesVersion: '1.30' }, /invalid `kubernetesVersion`: 1.30 is more than one minor version.*lambda-layer-kubectl-v30/],
    ['a node group with no instance types', { computeType: EksComputeType.MANAGED_NODE_GROUP, nodeGroup: { instanceTypes: [] } },
      /invalid `nodeGroup.instanceTypes`: must name at least one/],
    ['mixed architectures', {
      computeType: EksComputeType.MANAGED_NODE_GROUP,
      nodeGroup: {
        instanceTypes: [ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
          ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE)],
      },
    }, /invalid `nodeGroup.instanceTypes`: mixes architectures/],
    ['a node group in Auto Mode', { nodeGroup: { minSize: 2 } }, /invalid `nodeGroup`: conflicts with computeType AUTO_MODE/],
    ['node pools for a node group', { computeType: EksComputeType.MANAGED_NODE_GROUP, autoModeNodePools: ['system'] }, /invalid `autoModeNodePools`: conflicts with computeType MANAGED_NODE_GROUP/],
    ['a Graviton pool for a node group', { computeType: EksComputeType.MANAGED_NODE_GROUP, gravitonNodePool: true }, /invalid `gravitonNodePool`: applies to computeType AUTO_MODE only/],
    ['an unknown node pool', { autoModeNodePools: ['gpu'] }, /invalid `autoModeNodePools`: "gpu" is not a built-in Auto Mode node pool/],
    ['min above max', { computeType: EksComputeType.MANAGED_NODE_GROUP, nodeGroup: { minSize: 4, maxSize: 2 } }, /invalid `nodeGroup.maxSize`/],
    ['a private endpoint with public CIDRs', { endpointPrivateOnly: true, endpointPublicCidrs: ['203.0.113.0/24'] }, /invalid `endpointPublicCidrs`: conflicts with endpointPrivateOnly/],
    ['a bad CIDR', { endpointPublicCidrs: ['203.0.113.1/24'] }, /invalid `endpointPublicCidrs\[0\]`/],
    ['an account as admin', { adminRoleArns: ['arn:aws:iam::111111111111:root'] }, /invalid `adminRoleArns\[0\]`: .* trusts a whole account/],
    ['a namespace that is not a DNS label', { appNamespaces: ['Orders'] }, /invalid `addAppNamespace\(name\)`: "Orders" is not a Kubernetes namespace name/],
    ['a namespace with an underscore', { appNamespaces: ['my_app'] }, /not a Kubernetes namespace name/],
    ['a namespace of 64 characters', { appNamespaces: ['a'.repeat(64)] }, /not a Kubernetes namespace name/],
    ['a reserved namespace', { appNamespaces: ['kube-system'] }, /"kube-system" is kept by Kubernetes/],
    ['a namespace added twice', { appNamespaces: ['orders', 'orders'] }, /invalid `addAppNamespace\(name\)`: namespace "orders" was already added to environment dev/],
  ] as Array<[string, Partial<EksEnvironmentProps>, RegExp]>)('%s', (_name, overrides, message) => {
    expect(() => new EksEnvironment(testStack(testApp()), 'Env', props(overrides))).toThrow(message);
  });

  test('a namespace added twice through the method', () => {
    const env = new EksEnvironment(new Stack(testApp(), 'S', { env: TEST_ENV }), 'Env', props());
    env.addAppNamespace('orders');
    expect(() => env.addAppNamespace('orders')).toThrow(/namespace "orders" was already added/);
  });
});
