import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Tag on every resource of an environment; its value is the environment name. */
export const ENVIRONMENT_TAG = 'harmonix:environment';

/** Tags every resource under `scope` with the environment name. */
export function tagEnvironment(scope: IConstruct, environmentName: string): void {
  Tags.of(scope).add(ENVIRONMENT_TAG, environmentName);
}

/** Tag on every resource of an application; its value is the app name. */
export const APP_TAG = 'harmonix:app';

/** Tag on every resource of the platform account's constructs; its value names the component. */
export const PLATFORM_TAG = 'harmonix:platform';

/** Tags every resource under `scope` as a platform component. */
export function tagPlatform(scope: IConstruct, component: string): void {
  Tags.of(scope).add(PLATFORM_TAG, component);
}
