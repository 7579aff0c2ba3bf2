/**
 * The Kubernetes objects an `EksApplication` applies, typed after the Kubernetes API (the fields
 * it sets, by their API names), so a misspelt field fails compilation rather than the
 * deployment. Internal: the public API exposes the applied manifests, not these types.
 */

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

interface KubernetesObject<K extends string, A extends string> {
  readonly apiVersion: A;
  readonly kind: K;
  readonly metadata: ObjectMeta;
}

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string };
  readonly tcpSocket?: { readonly port: string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly ports: Array<{ readonly name: string; readonly containerPort: number; readonly protocol: 'TCP' }>;
  readonly env: EnvVar[];
  readonly resources: {
    readonly requests: { readonly 'cpu': string; readonly 'memory': string; readonly 'ephemeral-storage': string };
    readonly limits: { readonly 'cpu': string; readonly 'memory': string; readonly 'ephemeral-storage': string };
  };
  readonly securityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly privileged: false;
    readonly readOnlyRootFilesystem: boolean;
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly capabilities: { readonly drop: ['ALL'] };
  };
  readonly startupProbe: Probe;
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly volumeMounts: Array<{ readonly name: string; readonly mountPath: string }>;
}

export interface PodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: false;
  readonly enableServiceLinks: false;
  readonly securityContext: {
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
  readonly affinity: {
    readonly nodeAffinity: {
      readonly requiredDuringSchedulingIgnoredDuringExecution: {
        readonly nodeSelectorTerms: Array<{
          readonly matchExpressions: Array<{ readonly key: string; readonly operator: 'In'; readonly values: string[] }>;
        }>;
      };
    };
    readonly podAntiAffinity: {
      readonly preferredDuringSchedulingIgnoredDuringExecution: Array<{
        readonly weight: number;
        readonly podAffinityTerm: { readonly topologyKey: string; readonly labelSelector: { readonly matchLabels: Record<string, string> } };
      }>;
    };
  };
  readonly topologySpreadConstraints: Array<{
    readonly maxSkew: number;
    readonly topologyKey: string;
    readonly whenUnsatisfiable: 'ScheduleAnyway';
    readonly labelSelector: { readonly matchLabels: Record<string, string> };
  }>;
  readonly terminationGracePeriodSeconds: number;
  readonly containers: Container[];
  readonly volumes: Array<{ readonly name: string; readonly emptyDir: { readonly sizeLimit: string } }>;
}

export interface Deployment extends KubernetesObject<'Deployment', 'apps/v1'> {
  readonly spec: {
    readonly replicas?: number;
    readonly revisionHistoryLimit: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly strategy: { readonly type: 'RollingUpdate'; readonly rollingUpdate: { readonly maxSurge: string; readonly maxUnavailable: number } };
    readonly template: { readonly metadata: { readonly labels: Record<string, string> }; readonly spec: PodSpec };
  };
}

export interface Service extends KubernetesObject<'Service', 'v1'> {
  readonly spec: {
    readonly type: 'ClusterIP';
    readonly selector: Record<string, string>;
    readonly ports: Array<{ readonly name: string; readonly port: number; readonly targetPort: string; readonly protocol: 'TCP' }>;
  };
}

export interface IngressPath {
  readonly path: string;
  readonly pathType: 'Prefix';
  readonly backend: { readonly service: { readonly name: string; readonly port: { readonly name: string } } };
}

export interface Ingress extends KubernetesObject<'Ingress', 'networking.k8s.io/v1'> {
  readonly spec: {
    readonly ingressClassName: string;
    readonly rules: Array<{ readonly host?: string; readonly http: { readonly paths: IngressPath[] } }>;
  };
}

export interface HorizontalPodAutoscaler extends KubernetesObject<'HorizontalPodAutoscaler', 'autoscaling/v2'> {
  readonly spec: {
    readonly scaleTargetRef: { readonly apiVersion: 'apps/v1'; readonly kind: 'Deployment'; readonly name: string };
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly metrics: Array<{
      readonly type: 'Resource';
      readonly resource: { readonly name: 'cpu'; readonly target: { readonly type: 'Utilization'; readonly averageUtilization: number } };
    }>;
  };
}

export interface PodDisruptionBudget extends KubernetesObject<'PodDisruptionBudget', 'policy/v1'> {
  readonly spec: {
    readonly maxUnavailable: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
  };
}

export interface NetworkPolicy extends KubernetesObject<'NetworkPolicy', 'networking.k8s.io/v1'> {
  readonly spec: {
    readonly podSelector: { readonly matchLabels: Record<string, string> };
    readonly policyTypes: ['Ingress'];
    readonly ingress: Array<{
      readonly from: Array<{ readonly ipBlock: { readonly cidr: string } }>;
      readonly ports: Array<{ readonly protocol: 'TCP'; readonly port: number }>;
    }>;
  };
}

/** Every kind of object an app applies. */
export type AppObject = Deployment | Service | Ingress | HorizontalPodAutoscaler | PodDisruptionBudget | NetworkPolicy;
