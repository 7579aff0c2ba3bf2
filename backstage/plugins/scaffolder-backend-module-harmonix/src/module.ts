import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createHarmonixCreateAppAction,
  readSettings,
} from './actions/createApp';

/**
 * The harmonix module of the scaffolder: adds `harmonix:create-app`, which the software templates
 * `BackstageOnFargate` publishes (one per harmonix-cdk blueprint) run.
 */
export const scaffolderModuleHarmonix = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'harmonix',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
        scaffolder.addActions(
          createHarmonixCreateAppAction({
            integrations: ScmIntegrations.fromConfig(config),
            catalog,
            settings: readSettings(config),
          }),
        );
      },
    });
  },
});
