/**
 * The harmonix module of Backstage's scaffolder: the `harmonix:create-app` action that creates an
 * app from a harmonix-cdk blueprint, as `harmonix create-app` does.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHarmonix as default } from './module';
export {
  createHarmonixCreateAppAction,
  readSettings,
  type CreateAppSettings,
} from './actions/createApp';
