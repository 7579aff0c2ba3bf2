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
export { HarmonixEnvironment } from './contract/harmonix-environment';

// The environments of this library.
export { HarmonixEnvironmentBase } from './environments/base/environment-base';
export type { EnvironmentRuntimes, HarmonixEnvironmentBaseOptions, HarmonixEnvironmentBaseProps } from './environments/base/environment-base';
export { FlowLogDestinationType, NatProviderType } from './environments/base/environment-network';
export type { EnvironmentGrant } from './environments/base/environment-roles';
export { EcsEnvironment } from './environments/ecs/ecs-environment';
export type { EcsEnvironmentProps } from './environments/ecs/ecs-environment';
export type { SharedLoadBalancerOptions } from './environments/ecs/shared-load-balancer';
export { ServerlessEnvironment } from './environments/serverless/serverless-environment';
export type { ServerlessEnvironmentProps } from './environments/serverless/serverless-environment';
