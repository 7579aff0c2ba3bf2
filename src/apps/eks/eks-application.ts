import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { EksApplicationProps, EksArchitecture } from './eks-application-props';
import {
  AppObject, Deployment, EnvVar, HorizontalPodAutoscaler, Ingress, NetworkPolicy, ObjectMeta, PodDisruptionBudget, Service,
} from './kubernetes-objects';
import { propError } from '../../common/errors';
import { APP_TAG, ENVIRONMENT_TAG } from '../../common/tags';
import { validateIntegerRange } from '../../common/validation';
import { isDnsName, validateHealthCheckPath } from '../../common/web-names';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';
import { subnetCidrs } from '../../contract/network';
import { IEksNamespace, IEksRuntime } from '../../contract/runtimes/eks';
import { AppBindings, checkAppPlacement, checkImageChoice, handSecretReference, prepareAppStack, publishAppUrl, tagApp } from '../app-commons';
import { BindOptions, IApplication, IAppResource } from '../application';

const CONTAINER_NAME = 'app';
const PORT_NAME = 'http';
/** The ingress class every EKS environment offers: Auto Mode's, or the AWS Load Balancer Controller's. */
const INGRESS_CLASS = 'alb';
/** TLS 1.2 and 1.3 only, the Elastic Load Balancing policy aws-cdk-lib calls RECOMMENDED_TLS. */
const SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
/** A full image reference pinned to a tag or a digest: `<registry>/<repository>(:<tag>|@sha256:<hex>)`. */
const IMAGE_REFERENCE = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
/** An Ingress path prefix: "/" and URL path characters. */
const PATH_PREFIX = /^\/[A-Za-z0-9_\-.~/%]{0,254}$/;

/** The host/path routes of each environment in one CDK app, with the app that claimed each. */
const routesByApp = new WeakMap<IConstruct, Map<string, string>>();

/**
 * One containerized app on Kubernetes in a Harmonix EKS environment, owned or imported from its
 * descriptor, in one of its application namespaces: a hardened Deployment (non-root, read-only
 * root file system with a writable /tmp, all capabilities dropped, seccomp RuntimeDefault,
 * requests and limits, probes on the health path, node affinity to the image's architecture),
 * a Service, an Ingress on the environment's `alb` class (one load balancer per environment,
 * HTTPS with a certificate), a HorizontalPodAutoscaler, a PodDisruptionBudget and a
 * NetworkPolicy that admits the load balancer only. Pods run as the namespace's service account,
 * whose Pod Identity role bindings grant to. Objects are applied through the environment's app
 * kubectl handler, which may edit the application namespaces and nothing else.
 */
export class EksApplication extends Construct implements IApplication {
  public readonly appName: string;
  public readonly environment: IHarmonixEnvironment;
  public readonly url: string;
  /** The namespace's Pod Identity role, as this app's stack refers to it: bindings grant to it. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The pods' network connections: the cluster security group, which EKS gives its nodes. */
  public readonly connections?: ec2.Connections;
  /** The namespace the app runs in. */
  public readonly namespaceName: string;
  /** One manifest per Kubernetes object, by kind (`Deployment`, `Service`, `Ingress`, ...). */
  public readonly manifests: { [kind: string]: eks.KubernetesManifest };
  /** The SSM parameter `/harmonix/apps/<app>/<environment>/url`. */
  public readonly urlParameter: ssm.StringParameter;
  private readonly bindings: AppBindings;
  private readonly variables: EnvVar[] = [];

  constructor(scope: Construct, id: string, props: EksApplicationProps) {
    super(scope, id);
    const env = props.environment;
    checkAppPlacement(this, props.appName, env, EnvironmentKind.EKS, env.eks !== undefined && env.vpc !== undefined);
    const runtime = env.eks!;
    this.appName = props.appName;
    this.environment = env;
    this.bindings = new AppBindings(this);
    const namespace = this.findNamespace(runtime, props.namespaceName);
    this.namespaceName = namespace.name;
    if (!runtime.appKubectlProvider) {
      throw propError(this, 'environment', `environment ${env.environmentName} has no kubectl handler for apps (its descriptor predates EksApplication); update the environment stack and read its descriptor again.`);
    }
    const architecture = this.checkArchitecture(runtime, props.architecture ?? EksArchitecture.ARM64);

    const containerPort = validateIntegerRange(this, 'containerPort', props.containerPort ?? 8080, 1, 65535);
    const cpu = validateIntegerRange(this, 'cpuMillicores', props.cpuMillicores ?? 250, 10, 64_000);
    const cpuLimit = validateIntegerRange(this, 'cpuLimitMillicores', props.cpuLimitMillicores ?? cpu * 2, cpu, 128_000);
    const memory = validateIntegerRange(this, 'memoryMiB', props.memoryMiB ?? 512, 32, 262_144);
    const minCount = validateIntegerRange(this, 'minCount', props.minCount ?? 1, 1, 1000);
    const maxCount = validateIntegerRange(this, 'maxCount', props.maxCount ?? Math.max(4, minCount), minCount, 1000);
    const targetCpu = validateIntegerRange(this, 'targetCpuUtilizationPercent', props.targetCpuUtilizationPercent ?? 70, 10, 95);
    const runAsUser = checkId(this, 'runAsUser', props.runAsUser ?? 1000);
    const runAsGroup = checkId(this, 'runAsGroup', props.runAsGroup ?? 1000);
    const healthCheckPath = validateHealthCheckPath(this, 'healthCheckPath', props.healthCheckPath ?? '/');
    const routes = this.checkRoutes(props);
    for (const [name, value] of Object.entries(props.environmentVariables ?? {})) {
      this.addEnvironment(name, value);
    }

    // The role and the security group as this stack refers to them: grants become a policy of
    // this stack attached to the namespace's role, and rules go on this stack's resources.
    const role = namespace.role;
    this.grantPrincipal = Token.isUnresolved(role.roleArn)
      ? iam.Role.fromRoleName(this, 'PodRole', role.roleName)
      : iam.Role.fromRoleArn(this, 'PodRole', role.roleArn);
    this.connections = new ec2.Connections({
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'ClusterSecurityGroup', runtime.cluster.clusterSecurityGroupId, { mutable: false })],
    });

    const cluster = eks.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: runtime.cluster.clusterName,
      kubectlProvider: runtime.appKubectlProvider,
    });
    const labels = {
      'app.kubernetes.io/name': this.appName,
      'app.kubernetes.io/managed-by': 'harmonix-cdk',
      'harmonix.dev/environment': env.environmentName,
    };
    const selector = { 'app.kubernetes.io/name': this.appName };
    const meta = (annotations?: Record<string, string>): ObjectMeta => ({ name: this.appName, namespace: this.namespaceName, labels, annotations });
    const image = containerImage(this, props);

    const objects: AppObject[] = [];
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(),
      spec: {
        // An autoscaler owns the replica count; a fixed count is set here.
        replicas: minCount === maxCount ? minCount : undefined,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: namespace.serviceAccountName,
            // Pod Identity mounts its own token; the pods need no Kubernetes API token.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser, runAsGroup, fsGroup: runAsGroup, seccompProfile: { type: 'RuntimeDefault' } },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: [architecture] }] }],
                },
              },
              // Replicas on different nodes where there is room, so one node's loss takes one replica.
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
                }],
              },
            },
            topologySpreadConstraints: [{
              maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
            }],
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: CONTAINER_NAME,
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: PORT_NAME, containerPort, protocol: 'TCP' }],
              env: Lazy.any({ produce: () => [...this.variables] }) as unknown as EnvVar[],
              resources: {
                requests: { 'cpu': `${cpu}m`, 'memory': `${memory}Mi`, 'ephemeral-storage': '512Mi' },
                limits: { 'cpu': `${cpuLimit}m`, 'memory': `${memory}Mi`, 'ephemeral-storage': '1Gi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: props.readonlyRootFilesystem ?? true,
                runAsNonRoot: true,
                runAsUser,
                runAsGroup,
                capabilities: { drop: ['ALL'] },
              },
              // Started and ready when the health path answers; alive while the port takes
              // connections, so a dependency's outage takes pods out of the load balancer
              // without restarting them.
              startupProbe: { httpGet: { path: healthCheckPath, port: PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
              readinessProbe: { httpGet: { path: healthCheckPath, port: PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
              livenessProbe: { tcpSocket: { port: PORT_NAME }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
          },
        },
      },
    };
    objects.push(deployment);

    const service: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: { type: 'ClusterIP', selector, ports: [{ name: PORT_NAME, port: 80, targetPort: PORT_NAME, protocol: 'TCP' }] },
    };
    objects.push(service);

    const ingress: Ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(this.ingressAnnotations(props, healthCheckPath)),
      spec: {
        ingressClassName: INGRESS_CLASS,
        rules: (routes.hosts.length > 0 ? routes.hosts : [undefined]).map(host => ({
          host,
          http: {
            paths: routes.paths.map(path => ({
              path, pathType: 'Prefix' as const, backend: { service: { name: this.appName, port: { name: PORT_NAME } } },
            })),
          },
        })),
      },
    };
    objects.push(ingress);

    if (maxCount > minCount) {
      const autoscaler: HorizontalPodAutoscaler = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.appName },
          minReplicas: minCount,
          maxReplicas: maxCount,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: targetCpu } } }],
        },
      };
      objects.push(autoscaler);
    }

    const disruptionBudget: PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      // One pod at a time: node drains proceed, and an app of several replicas keeps serving.
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    };
    objects.push(disruptionBudget);

    const networkPolicy: NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [{
          from: this.loadBalancerSources().map(cidr => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: containerPort }],
        }],
      },
    };
    objects.push(networkPolicy);

    this.manifests = {};
    for (const object of objects) {
      // One object per manifest, applied (not created) so a retried deployment adopts its objects;
      // no pruning, which would list objects beyond the namespace.
      this.manifests[object.kind] = new eks.KubernetesManifest(this, object.kind, {
        cluster,
        manifest: [object as unknown as Record<string, unknown>],
        overwrite: true,
        prune: false,
      });
    }
    // The service and its pods exist before the load balancer routes to them.
    this.manifests.Ingress.node.addDependency(this.manifests.Service, this.manifests.Deployment);

    const scheme = props.certificate ? 'https' : 'http';
    let host = routes.hosts[0];
    if (host === undefined) {
      // Without a host name, the URL is the load balancer's: its controller names it when the
      // Ingress is applied, and the handler reads it from the Ingress's status.
      const address = new eks.KubernetesObjectValue(this, 'LoadBalancerHost', {
        cluster,
        objectType: 'ingress',
        objectName: this.appName,
        objectNamespace: this.namespaceName,
        jsonPath: '.status.loadBalancer.ingress[0].hostname',
        timeout: Duration.minutes(10),
      });
      address.node.addDependency(this.manifests.Ingress);
      host = address.value;
    }
    const base = routes.paths[0] === '/' ? '' : routes.paths[0].replace(/\/+$/, '');
    this.url = `${scheme}://${host}${base}`;

    this.urlParameter = publishAppUrl(this, this.appName, env, this.url);
    tagApp(this, this.appName, env);
    prepareAppStack(this, env);
  }

  public addEnvironment(name: string, value: string): void {
    this.bindings.claimVariable(name, 'addEnvironment');
    this.variables.push({ name, value });
  }

  /**
   * Pods get no secret values in their specification: the app receives `<name>_SECRET_ARN` (and
   * `<name>_SECRET_FIELD`) and reads the secret at run time with its Pod Identity role.
   */
  public addSecret(name: string, secret: secretsmanager.ISecret, field?: string): void {
    handSecretReference(this, name, secret, field);
  }

  public bind(resource: IAppResource, options?: BindOptions): void {
    this.bindings.bind(resource, options);
  }

  private findNamespace(runtime: IEksRuntime, name: string): IEksNamespace {
    const namespace = runtime.namespaces.find(n => n.name === name);
    if (!namespace) {
      const known = runtime.namespaces.map(n => n.name);
      throw propError(this, 'namespaceName', `"${name}" is not an application namespace of environment ${this.environment.environmentName} (${known.length > 0 ? `it has ${known.join(', ')}` : 'it has none'}); add it with addAppNamespace or appNamespaces.`);
    }
    return namespace;
  }

  private checkArchitecture(runtime: IEksRuntime, architecture: EksArchitecture): EksArchitecture {
    const offered = runtime.nodeArchitectures;
    if (offered && !offered.includes(architecture)) {
      throw propError(this, 'architecture', `${architecture} images cannot run in environment ${this.environment.environmentName}, whose nodes are ${offered.join(', ') || 'none'}; build the image for ${offered[0] ?? 'a node architecture'} and set \`architecture\`.`);
    }
    return architecture;
  }

  /** Hosts and path prefixes: valid, each once, and no route another app of the environment has. */
  private checkRoutes(props: EksApplicationProps): { hosts: string[]; paths: string[] } {
    const hosts = props.hosts ?? [];
    const paths = props.paths ?? ['/'];
    if (paths.length === 0) {
      throw propError(this, 'paths', 'is empty; route at least one path prefix to the app ("/" for all).');
    }
    hosts.forEach((host, i) => {
      if (!Token.isUnresolved(host) && (!isDnsName(host) || host.startsWith('*.'))) {
        throw propError(this, `hosts[${i}]`, `"${host}" is not a host name an Ingress rule matches: use a lower-case DNS name such as orders.example.com.`);
      }
    });
    paths.forEach((path, i) => {
      if (!Token.isUnresolved(path) && !PATH_PREFIX.test(path)) {
        throw propError(this, `paths[${i}]`, `"${path}" is not a path prefix: start with "/" and use URL path characters only (no wildcards: a prefix matches everything below it).`);
      }
    });
    if (props.certificate && hosts.length === 0) {
      throw propError(this, 'certificate', 'covers host names, and the app gives none: set `hosts` to the names the certificate covers.');
    }
    const root = this.node.root;
    const taken = routesByApp.get(root) ?? new Map<string, string>();
    routesByApp.set(root, taken);
    const claimed = new Set<string>();
    for (const host of hosts.length > 0 ? hosts : ['*']) {
      for (const path of paths) {
        const key = `${this.environment.environmentName} ${host.toLowerCase()}${path.replace(/\/+$/, '') || '/'}`;
        const route = `${host === '*' ? 'any host' : host} ${path}`;
        if (claimed.has(key)) {
          throw propError(this, 'paths', `route ${route} is given twice; name each host and path once.`);
        }
        const owner = taken.get(key);
        if (owner !== undefined) {
          throw propError(this, 'paths', `route ${route} is taken in environment ${this.environment.environmentName} by ${owner}; the environment's load balancer sends a route to one app: choose another host or path.`);
        }
        claimed.add(key);
      }
    }
    claimed.forEach(key => taken.set(key, this.node.path));
    return { hosts, paths };
  }

  /** The load balancer's settings, as annotations both Auto Mode and the AWS Load Balancer Controller read. */
  private ingressAnnotations(props: EksApplicationProps, healthCheckPath: string): Record<string, string> {
    const env = this.environment.environmentName;
    const annotations: Record<string, string> = {
      // One load balancer for the environment's apps, as on ECS: each app adds its rules.
      'alb.ingress.kubernetes.io/group.name': `harmonix-${env}`,
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/healthcheck-path': healthCheckPath,
      'alb.ingress.kubernetes.io/success-codes': '200-399',
      'alb.ingress.kubernetes.io/tags': `${ENVIRONMENT_TAG}=${env},${APP_TAG}=${this.appName}`,
    };
    if (props.certificate) {
      Object.assign(annotations, {
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
        'alb.ingress.kubernetes.io/certificate-arn': props.certificate.certificateArn,
        'alb.ingress.kubernetes.io/ssl-policy': SSL_POLICY,
        'alb.ingress.kubernetes.io/ssl-redirect': '443',
      });
    } else {
      annotations['alb.ingress.kubernetes.io/listen-ports'] = '[{"HTTP": 80}]';
    }
    return annotations;
  }

  /**
   * Where the load balancer's requests come from: the environment's public subnets, where its
   * internet-facing load balancer lives (the whole VPC when their blocks are unknown).
   */
  private loadBalancerSources(): string[] {
    const vpc = this.environment.vpc!;
    return subnetCidrs(vpc.publicSubnets) ?? [vpc.vpcCidrBlock];
  }
}

/** A numeric user or group id that is not root. */
function checkId(scope: Construct, prop: string, id: number): number {
  if (id === 0) {
    throw propError(scope, prop, 'is 0, which runs the container as root; use an unprivileged id such as 1000.');
  }
  return validateIntegerRange(scope, prop, id, 1, 2_147_483_647);
}

/** The image from `image` (a pinned reference), or from `repository` at `imageTag`: exactly one of them. */
function containerImage(scope: Construct, props: EksApplicationProps): string {
  const tag = checkImageChoice(scope, props, 'a pinned reference');
  if (tag !== undefined) {
    return props.repository!.repositoryUriForTagOrDigest(tag);
  }
  const image = props.image!;
  if (!Token.isUnresolved(image) && (!IMAGE_REFERENCE.test(image) || image.endsWith(':latest'))) {
    throw propError(scope, 'image', `"${image}" is not an image reference pinned to a tag or digest (<registry>/<repository>:<tag> or @sha256:<digest>, not "latest"): pods restarted tomorrow must run today's image.`);
  }
  return image;
}
