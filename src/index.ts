// Public API of harmonix-cdk: named exports only; the code lives beside its folder.

// The environment contract: what every consumer of an environment relies on.
export { EnvironmentKind } from './contract/environment';
export type { IHarmonixEnvironment } from './contract/environment';
export { DescriptorDocument } from './contract/descriptor';
export type { EnvironmentDescriptor } from './contract/descriptor';
export type { NetworkDescriptor } from './contract/network';
export type {
  EcsRuntimeDescriptor, IEcsRuntime, ISharedLoadBalancer, SharedLoadBalancerDescriptor, SharedLoadBalancerRoute,
} from './contract/runtimes/ecs';
export type { IServerlessRuntime, ServerlessRuntimeDescriptor } from './contract/runtimes/serverless';
export type { EksNamespaceDescriptor, EksRuntimeDescriptor, IEksNamespace, IEksRuntime } from './contract/runtimes/eks';
export { HarmonixEnvironment } from './contract/harmonix-environment';

// The environments of this library.
export { HarmonixEnvironmentBase } from './environments/base/environment-base';
export type { EnvironmentRuntimes, HarmonixEnvironmentBaseOptions, HarmonixEnvironmentBaseProps } from './environments/base/environment-base';
export { FlowLogDestinationType, NatProviderType } from './common/vpc';
export type { GithubCiTrust, GitlabCiTrust } from './common/ci-trust';
export type { EnvironmentGrant } from './environments/base/environment-roles';
export { EcsEnvironment } from './environments/ecs/ecs-environment';
export type { EcsEnvironmentProps } from './environments/ecs/ecs-environment';
export type { SharedLoadBalancerOptions } from './environments/ecs/shared-load-balancer';
export { ServerlessEnvironment } from './environments/serverless/serverless-environment';
export type { ServerlessEnvironmentProps } from './environments/serverless/serverless-environment';
export { EksEnvironment } from './environments/eks/eks-environment';
export type { EksEnvironmentProps } from './environments/eks/eks-environment';
export { EksComputeType } from './environments/eks/eks-compute';
export type { EksNodeGroupOptions } from './environments/eks/eks-compute';

// Application constructs and the data apps bind: what generated repos deploy.
export { AccessLevel } from './apps/application';
export type { BindOptions, IApplication, IAppResource } from './apps/application';
export { EcsApplication } from './apps/ecs/ecs-application';
export type { AppLoadBalancerOptions, EcsApplicationProps } from './apps/ecs/ecs-application-props';
export { EksApplication } from './apps/eks/eks-application';
export { EksArchitecture } from './apps/eks/eks-application-props';
export type { EksApplicationProps } from './apps/eks/eks-application-props';
export { ServerlessApplication } from './apps/serverless/serverless-application';
export type { AppCustomDomainOptions, AppFunctionOptions, ServerlessApplicationProps } from './apps/serverless/serverless-application-props';
export { AppBucket } from './apps/data/app-bucket';
export type { AppBucketProps } from './apps/data/app-bucket';
export { AppDatabase } from './apps/data/app-database';
export type { AppDatabaseProps } from './apps/data/app-database';
export { AppQueue } from './apps/data/app-queue';
export type { AppQueueProps } from './apps/data/app-queue';
export { AppSecret } from './apps/data/app-secret';
export type { AppSecretProps } from './apps/data/app-secret';

// The platform account: the developer portal.
export { BackstageOnFargate } from './platform/backstage/backstage-on-fargate';
export { BackstageSignIn } from './platform/backstage/backstage-on-fargate-props';
export type { BackstageOnFargateProps, CognitoSignInOptions, OidcSignInOptions } from './platform/backstage/backstage-on-fargate-props';

// The platform account: CI runners.
export { GitlabRunner } from './platform/gitlab-runner/gitlab-runner';
export { RunnerApp } from './platform/gitlab-runner/runner-app';
export type { RunnerAppOptions, RunnerAppProps } from './platform/gitlab-runner/runner-app';
export { FleetingPluginSource, GitlabRunnerExecutor, GitlabRunnerSource, PinnedSource } from './platform/gitlab-runner/gitlab-runner-props';
export type {
  DockerAutoscalerOptions, DockerRunnerFleetOptions, GitlabRunnerProps, RunnerIdleSchedule,
} from './platform/gitlab-runner/gitlab-runner-props';

// Blueprints: projen project types that generate application repositories.
export { CiCredentials, GitHost } from './blueprints/blueprint-options';
export type { HarmonixAppOptions } from './blueprints/blueprint-options';
export { HarmonixNodeEcsProject, HarmonixNodeServiceProject } from './blueprints/node-service/node-service-project';
export type { HarmonixNodeEcsProjectOptions, HarmonixNodeServiceProjectOptions } from './blueprints/node-service/node-service-project';
export { HarmonixPythonEcsProject, HarmonixPythonServiceProject } from './blueprints/python-service/python-service-project';
export type { HarmonixPythonEcsProjectOptions, HarmonixPythonServiceProjectOptions } from './blueprints/python-service/python-service-project';
export { HarmonixJavaEcsProject, HarmonixJavaServiceProject } from './blueprints/java-service/java-service-project';
export type { HarmonixJavaEcsProjectOptions, HarmonixJavaServiceProjectOptions } from './blueprints/java-service/java-service-project';
export { HarmonixServerlessApiProject } from './blueprints/serverless-api/serverless-api-project';
export type { HarmonixServerlessApiProjectOptions } from './blueprints/serverless-api/serverless-api-project';

// Delivery: one app through its environments, from the platform account.
export { AppPipeline } from './pipelines/app-pipeline/app-pipeline';
export { AppBuild, PipelineSource } from './pipelines/app-pipeline/app-pipeline-props';
export type { AppBuildOptions, AppPipelineProps, ConnectionSourceOptions, ContainerImageBuildOptions, S3SourceOptions } from './pipelines/app-pipeline/app-pipeline-props';
