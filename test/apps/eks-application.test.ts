import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  AppBucket, AppDatabase, AppQueue, AppSecret, EksApplication, EksApplicationProps, EksArchitecture, HarmonixEnvironment,
} from '../../src';
import { CERTIFICATE_ARN } from '../fixtures/app';
import { AppTarget, EKS_TARGETS, importedEcs, importedEks, importedEksAmd64 } from '../fixtures/app-environments';
import { actionsOf, allIdentityStatements, renderValue } from '../fixtures/iam';
import { appliedObjects, kubeScoreFindings, objectOf, restrictedPodViolations, validateKubernetesSchemas } from '../fixtures/kubernetes';
import { nagFindings } from '../fixtures/nag';

const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';

function orders(target: AppTarget, props: Partial<EksApplicationProps> = {}, id = 'Orders'): EksApplication {
  return new EksApplication(target.stack, id, { environment: target.env, appName: 'orders', namespaceName: 'orders', image: IMAGE, ...props });
}

/**
 * kube-score checks the objects pass, and those left out with the reason: its defaults disagree
 * with choices made on purpose.
 */
const KUBE_SCORE_IGNORED = [
  // Ids of 10000 and more guard against host users; nodes run no host users, and the blueprints'
  // images own their files as 1000 (runAsUser and runAsGroup are props).
  'container-security-context-user-group-id',
  // "Always" re-pulls on every start; images are pinned to a commit tag or a digest, which never moves.
  'container-image-pull-policy',
  // Cheap by default: one replica when idle (minCount 2 or more for production).
  'horizontalpodautoscaler-replicas',
  // Egress stays open: apps call AWS APIs, the Pod Identity agent and their bound data stores,
  // whose security groups decide who connects.
  'pod-networkpolicy',
];

describe.each(EKS_TARGETS)('EksApplication on an EKS environment: $name', ({ name, target }) => {
  const t = target();
  const app = orders(t, { hosts: ['orders.dev.example.com'], paths: ['/orders'], environmentVariables: { LOG_LEVEL: 'info' } });
  const template = Template.fromStack(t.stack);
  const objects = appliedObjects(template);

  test('a hardened Deployment: non-root, read-only root with a writable /tmp, no capabilities, seccomp, requests and limits, probes, Graviton affinity', () => {
    const deployment = objectOf(template, 'Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'orders', namespace: 'orders', labels: { 'app.kubernetes.io/name': 'orders', 'harmonix.dev/environment': 'dev' } });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('app');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    const [container] = pod.containers;
    expect(container).toMatchObject({
      name: 'app',
      image: IMAGE,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      securityContext: {
        allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
      },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    expect(container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '512Mi' },
      limits: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
    });
    // Ready and started when the health path answers; alive while the port accepts connections.
    expect(container.startupProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
      weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } },
    }]);
  });

  test('its pods pass the restricted Pod Security Standard, which the environment\'s app namespaces enforce', () => {
    expect(restrictedPodViolations(objectOf(template, 'Deployment').spec.template.spec)).toEqual([]);
    // The check itself refuses what the standard refuses.
    expect(restrictedPodViolations({ hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'web', securityContext: { runAsUser: 0 } }] })).toEqual([
      'hostNetwork is set', 'volume h is of type hostPath', 'web does not set allowPrivilegeEscalation: false', 'web does not set runAsNonRoot: true',
      'web runs as user 0', 'web has no RuntimeDefault or Localhost seccomp profile', 'web does not drop ALL capabilities',
    ]);
  });

  test('a Service, and an Ingress on the environment\'s alb class: its load balancer shared by the environment\'s apps, host and path rules', () => {
    expect(objectOf(template, 'Service').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'orders' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    const ingress = objectOf(template, 'Ingress');
    expect(ingress.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/group.name': 'harmonix-dev',
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/healthcheck-path': '/',
      'alb.ingress.kubernetes.io/success-codes': '200-399',
      'alb.ingress.kubernetes.io/tags': 'harmonix:environment=dev,harmonix:app=orders',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}]',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'alb',
      rules: [{ host: 'orders.dev.example.com', http: { paths: [{ path: '/orders', pathType: 'Prefix', backend: { service: { name: 'orders', port: { name: 'http' } } } }] } }],
    });
  });

  test('a HorizontalPodAutoscaler on CPU, a PodDisruptionBudget, and a NetworkPolicy admitting the load balancer\'s subnets only', () => {
    expect(objectOf(template, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(objectOf(template, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } });
    const policy = objectOf(template, 'NetworkPolicy').spec;
    expect(policy.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders' } });
    expect(policy.policyTypes).toEqual(['Ingress']);
    expect(policy.ingress).toHaveLength(1);
    expect(policy.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    // The environment's two public subnets, where its internet-facing load balancer lives.
    expect(policy.ingress[0].from).toHaveLength(2);
    const publicCidrs = t.env.vpc!.publicSubnets.map(s => renderValue(Stack.of(t.stack).resolve(s.ipv4CidrBlock)));
    expect(policy.ingress[0].from.map((f: any) => f.ipBlock.cidr)).toEqual(publicCidrs);
  });

  test('every object applied by the apps\' kubectl handler (edit rights in the app namespaces), one object per manifest, never pruned', () => {
    expect(objects.map(o => o.object.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']);
    const tokens = new Set(objects.map(o => o.serviceToken));
    expect(tokens.size).toBe(1);
    const [token] = tokens;
    // Owned: a reference to the environment stack's app handler; imported: the descriptor's service token.
    const expected = name.startsWith('owned') ? expect.stringMatching(/^<import:EnvironmentStack:ExportsOutputFnGetAttEnvAppKubectlProviderframeworkonEvent\w+>$/)
      : t.env.descriptor.eks!.appKubectlServiceToken;
    expect(token).toEqual(expected);
    template.allResourcesProperties('Custom::AWSCDK-EKS-KubernetesResource', { Overwrite: true, PruneLabel: Match.absent() });
  });

  test('its URL is the first host and path, published as an output and at /harmonix/apps/orders/dev/url', () => {
    expect(app.url).toBe('http://orders.dev.example.com/orders');
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/apps/orders/dev/url', Value: 'http://orders.dev.example.com/orders' });
    expect(Object.values(template.toJSON().Outputs).map((o: any) => o.Value)).toContain('http://orders.dev.example.com/orders');
  });

  test('every object passes the schemas of the environment\'s Kubernetes version (1.35), strictly', () => {
    expect(t.env.eks!.kubernetesVersion).toBe('1.35');
    validateKubernetesSchemas(objects.map(o => o.object), t.env.eks!.kubernetesVersion);
  });

  test('kube-score finds nothing but the checks left out for a reason', () => {
    expect(kubeScoreFindings(objects.map(o => o.object), KUBE_SCORE_IGNORED)).toEqual([]);
  });

  test('cdk-nag finds nothing (with a bound database)', () => {
    const n = target();
    const nagged = orders(n);
    nagged.bind(new AppDatabase(n.stack, 'OrdersDb', { environment: n.env }));
    expect(nagFindings(n.app)).toEqual([]);
  });
});

describe('EksApplication bindings: exact grants on the namespace\'s Pod Identity role, details as variables, secrets by reference, the network path', () => {
  const t = importedEks();
  const app = orders(t);
  const db = new AppDatabase(t.stack, 'OrdersDb', { environment: t.env });
  const bucket = new AppBucket(t.stack, 'Receipts', { environment: t.env });
  const queue = new AppQueue(t.stack, 'Jobs', { environment: t.env });
  const secret = new AppSecret(t.stack, 'ApiKey', { environment: t.env });
  [db, bucket, queue, secret].forEach(r => app.bind(r));
  const template = Template.fromStack(t.stack);
  const roleName = t.env.eks!.namespaces.find(n => n.name === 'orders')!.role.roleArn.split('/').pop();

  test('the grants are a policy of the app\'s stack attached to the namespace\'s role, exact actions only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleName]));
    expect(policies).toHaveLength(1);
    const actions = policies[0].Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['rds-db:connect', 's3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'secretsmanager:GetSecretValue']));
    for (const statement of allIdentityStatements(template)) {
      expect(actionsOf(statement).filter(a => a.includes('*'))).toEqual([]);
    }
  });

  test('connection details as variables; the database password and the secret by reference, read at run time', () => {
    const names = objectOf(template, 'Deployment').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(names).toEqual(expect.arrayContaining(['ORDERS_DB_HOST', 'ORDERS_DB_PORT', 'ORDERS_DB_PASSWORD_SECRET_ARN', 'ORDERS_DB_PASSWORD_SECRET_FIELD',
      'RECEIPTS_BUCKET_NAME', 'JOBS_QUEUE_URL', 'API_KEY_SECRET_ARN']));
    expect(JSON.stringify(objectOf(template, 'Deployment'))).not.toMatch(/password"?\s*:\s*"[^<]/i);
  });

  test('the database admits the cluster security group, which EKS gives the nodes, on its port', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: t.env.eks!.cluster.clusterSecurityGroupId,
    });
  });

  test('tags on what the app\'s stack creates', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Tags: Match.objectLike({ 'harmonix:app': 'orders', 'harmonix:environment': 'dev' }) });
    // The stack carries the environment tag, which CloudFormation gives every resource it creates.
    expect(Stack.of(app).tags.tagValues()).toEqual({ 'harmonix:environment': 'dev' });
  });
});

describe('EksApplication choices', () => {
  test('HTTPS with a certificate: TLS 1.2+, HTTP redirected, the https URL', () => {
    const t = importedEks();
    const certificate = acm.Certificate.fromCertificateArn(t.stack, 'Cert', CERTIFICATE_ARN);
    const app = orders(t, { hosts: ['orders.example.com'], certificate });
    const annotations = objectOf(Template.fromStack(t.stack), 'Ingress').metadata.annotations;
    expect(annotations).toMatchObject({
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/certificate-arn': CERTIFICATE_ARN,
      'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
    });
    expect(app.url).toBe('https://orders.example.com');
  });

  test('without a host, the URL is the load balancer\'s name, read from the Ingress status once applied', () => {
    const t = importedEks();
    orders(t, { paths: ['/orders'] });
    const template = Template.fromStack(t.stack);
    const [id, value] = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesObjectValue'))[0];
    expect(value.Properties).toMatchObject({ ObjectType: 'ingress', ObjectName: 'orders', ObjectNamespace: 'orders', JsonPath: '.status.loadBalancer.ingress[0].hostname' });
    expect(value.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OrdersIngress/)]));
    template.hasResourceProperties('AWS::SSM::Parameter', { Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [id, 'Value'] }, '/orders']] } });
  });

  test('an ECR repository and tag, amd64 nodes, sizes, a fixed replica count without an autoscaler, another user', () => {
    const t = importedEksAmd64();
    const repository = ecr.Repository.fromRepositoryName(t.stack, 'Repo', 'harmonix/orders');
    orders(t, {
      image: undefined,
      repository,
      imageTag: '4f2a9c1',
      architecture: EksArchitecture.AMD64,
      cpuMillicores: 500,
      cpuLimitMillicores: 1000,
      memoryMiB: 1024,
      minCount: 2,
      maxCount: 2,
      runAsUser: 2000,
      runAsGroup: 3000,
      containerPort: 3000,
      healthCheckPath: '/health',
    });
    const template = Template.fromStack(t.stack);
    const deployment = objectOf(template, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0].image).toMatch(/^111111111111\.dkr\.ecr\.eu-west-1\.<AWS::URLSuffix>\/harmonix\/orders:4f2a9c1$/);
    expect(pod.containers[0].resources).toMatchObject({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
    expect(pod.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['amd64']);
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(appliedObjects(template).map(o => o.object.kind)).not.toContain('HorizontalPodAutoscaler');
    validateKubernetesSchemas(appliedObjects(template).map(o => o.object), t.env.eks!.kubernetesVersion);
  });
});

describe('bad input is refused with the construct path and the prop', () => {
  test.each([
    ['a namespace the environment does not have', { namespaceName: 'billing' }, /AppStack\/Orders: invalid `namespaceName`: "billing" is not an application namespace of environment dev \(it has orders, shop\)/],
    ['root as user', { runAsUser: 0 }, /invalid `runAsUser`: is 0, which runs the container as root/],
    ['root as group', { runAsGroup: 0 }, /invalid `runAsGroup`: is 0/],
    ['a CPU limit below the request', { cpuMillicores: 500, cpuLimitMillicores: 250 }, /invalid `cpuLimitMillicores`/],
    ['too little memory', { memoryMiB: 16 }, /invalid `memoryMiB`/],
    ['a fraction of a millicore', { cpuMillicores: 250.5 }, /invalid `cpuMillicores`/],
    ['max below min', { minCount: 3, maxCount: 2 }, /invalid `maxCount`/],
    ['no replica', { minCount: 0 }, /invalid `minCount`/],
    ['the same path twice', { paths: ['/orders', '/orders/'] }, /invalid `paths`: route any host \/orders\/ is given twice/],
    ['a wildcard path', { paths: ['/orders/*'] }, /invalid `paths\[0\]`: "\/orders\/\*" is not a path prefix/],
    ['a wildcard host', { hosts: ['*.example.com'] }, /invalid `hosts\[0\]`/],
    ['no path', { paths: [] }, /invalid `paths`: is empty/],
    ['an image on "latest"', { image: 'public.ecr.aws/nginx/nginx:latest' }, /invalid `image`: .* not an image reference pinned/],
    ['an image without a tag', { image: 'public.ecr.aws/nginx/nginx' }, /invalid `image`/],
    ['no image', { image: undefined }, /invalid `image`: is required/],
    ['a bad app name', { appName: 'Orders_App' }, /invalid `appName`/],
  ] as Array<[string, Partial<EksApplicationProps>, RegExp]>)('%s', (_name, props, message) => {
    expect(() => orders(importedEks(), props)).toThrow(message);
  });

  test('a certificate without the hosts it covers', () => {
    const t = importedEks();
    expect(() => orders(t, { certificate: acm.Certificate.fromCertificateArn(t.stack, 'C', CERTIFICATE_ARN) }))
      .toThrow(/invalid `certificate`: covers host names, and the app gives none/);
  });

  test('a route another app of the environment has', () => {
    const t = importedEks();
    orders(t, { hosts: ['shop.example.com'], paths: ['/'] });
    expect(() => new EksApplication(t.stack, 'Shop', { environment: t.env, appName: 'shop', namespaceName: 'shop', image: IMAGE, hosts: ['shop.example.com'] }))
      .toThrow(/AppStack\/Shop: invalid `paths`: route shop.example.com \/ is taken in environment dev by AppStack\/Orders/);
  });

  test('an environment of another kind', () => {
    expect(() => orders(importedEcs())).toThrow(/invalid `environment`: environment dev is a ECS environment; EksApplication deploys into EKS environments only/);
  });

  test('an arm64 image where the nodes are amd64', () => {
    expect(() => orders(importedEksAmd64())).toThrow(/invalid `architecture`: arm64 images cannot run in environment dev, whose nodes are amd64/);
  });

  test('a descriptor written before apps ran on EKS (no kubectl handler for apps)', () => {
    const t = importedEks();
    const descriptor = t.env.descriptor;
    const old = JSON.parse(JSON.stringify(descriptor));
    delete old.eks.appKubectlServiceToken;
    const stack = new Stack(t.app, 'OldStack', { env: { account: t.env.account, region: t.env.region } });
    const env = HarmonixEnvironment.fromDescriptorJson(stack, 'Env', JSON.stringify(old));
    expect(() => new EksApplication(stack, 'Orders', { environment: env, appName: 'orders', namespaceName: 'orders', image: IMAGE }))
      .toThrow(/OldStack\/Orders: invalid `environment`: environment dev has no kubectl handler for apps/);
  });
});
