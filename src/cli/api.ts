/**
 * The library's programmatic entry for tools that are not CDK apps, such as this project's
 * Backstage packages (`backstage/`): `harmonix create-app` as a function, the environment
 * descriptor's reader, and the blueprints' facts. Not part of the jsii API (import it from
 * `harmonix-cdk/lib/cli/api` in Node.js); the command line runs the same code.
 */
export { createApp } from './create-app/create-app';
export type { CreateAppRequest, CreateAppResult } from './create-app/create-app';
export type { InputNames, ProjectVariable } from './create-app/gitlab-project';
export type { StepResult } from './create-app/steps';
export type { FetchedDescriptor } from './env/descriptors';
export { CliError, ExitCode } from './errors';
export { BLUEPRINT_FACTS, blueprintFacts } from '../common/blueprint-facts';
export type { BlueprintFacts } from '../common/blueprint-facts';
export { CREATE_APP_ACTION } from '../common/backstage-templates';
export { isAppName } from '../common/validation';
export { parseDescriptor } from '../contract/descriptor';
export type { EnvironmentDescriptor } from '../contract/descriptor';
