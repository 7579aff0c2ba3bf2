// Public API of harmonix-cdk: named exports only; the code lives beside its folder.

// The environment contract: what every consumer of an environment relies on.
export { EnvironmentKind, IHarmonixEnvironment } from './contract/environment';
export { DescriptorDocument, EnvironmentDescriptor } from './contract/descriptor';
export { NetworkDescriptor } from './contract/network';
export {
  EcsRuntimeDescriptor, IEcsRuntime, ISharedLoadBalancer, SharedLoadBalancerDescriptor, SharedLoadBalancerRoute,
} from './contract/runtimes/ecs';
export { IServerlessRuntime, ServerlessRuntimeDescriptor } from './contract/runtimes/serverless';
export { HarmonixEnvironment } from './contract/harmonix-environment';

// The environments of this library.
export {
  EnvironmentRuntimes, HarmonixEnvironmentBase, HarmonixEnvironmentBaseOptions, HarmonixEnvironmentBaseProps,
} from './environments/base/environment-base';
export { NatProviderType } from './environments/base/environment-network';
export { EnvironmentGrant } from './environments/base/environment-roles';
export { EcsEnvironment, EcsEnvironmentProps } from './environments/ecs/ecs-environment';
export { SharedLoadBalancerOptions } from './environments/ecs/shared-load-balancer';
export { ServerlessEnvironment, ServerlessEnvironmentProps } from './environments/serverless/serverless-environment';
