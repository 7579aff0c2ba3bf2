export interface Config {
  /** harmonix-cdk's Backstage packages. */
  harmonix?: {
    /** The scaffolder action harmonix:create-app. */
    createApp?: {
      /**
       * The package projen takes the blueprints from (a name@version, or a tarball's path).
       * Default: the harmonix-cdk this module runs with, at its version.
       */
      blueprintPackage?: string;
      /** How long generating a repository (projen new with its npm install) may take, in minutes (1 to 120). Default 20. */
      generateTimeoutMinutes?: number;
      /** The platform account's region, where GitlabRunner.registerApp wrote the apps' parameters. Default: AWS_REGION. */
      region?: string;
      /** The new repositories' visibility: private, internal or public. Default private. */
      visibility?: 'private' | 'internal' | 'public';
      /** Approvals a gated environment's deployment needs (1 to 5). Default 1. */
      approvals?: number;
    };
  };
}
