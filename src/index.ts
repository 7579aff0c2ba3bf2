// Public API of harmonix-cdk. Only exports; the code lives beside its folder.
export * from './environments/contract';
export * from './environments/descriptor';
export * from './environments/harmonix-environment';
export * from './environments/base/environment-base';
export * from './environments/ecs/ecs-environment';
export * from './environments/ecs/shared-load-balancer';
export * from './environments/serverless/serverless-environment';
