import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';
import { NODE_IMAGE } from '../pipeline';

/** Options of `harmonix-serverless-api`. */
export interface HarmonixServerlessApiProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}


/** What makes this blueprint. */
const SERVERLESS_API: BlueprintSpec = {
  kinds: [EnvironmentKind.SERVERLESS],
  componentType: 'service',
  pjid: 'harmonix-serverless-api',
  samples: ['common', 'serverless-api'],
  develop: [
    'npm install          # once',
    'npx projen test      # jest and eslint',
    'npx projen compile   # the functions, into lib/ (what infra/ deploys)',
  ],
  test: { image: NODE_IMAGE, commands: ['npm ci', 'npx projen test'] },
  artifact: { kind: 'bundle', image: NODE_IMAGE, commands: ['npm ci', 'npx projen compile'], directory: 'lib' },
};

/**
 * TypeScript Lambda functions behind an HTTP API: a sample handler with a health route and its
 * jest tests, `infra/` deploying the compiled functions with `ServerlessApplication` into the
 * serverless environment named at deploy time, a pipeline that tests, compiles the functions
 * once and deploys that bundle through every environment in stage order, its Backstage catalog
 * file and TechDocs.
 *
 * @pjid harmonix-serverless-api
 */
export class HarmonixServerlessApiProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixServerlessApiProjectOptions) {
    super(blueprintProjectOptions(options, SERVERLESS_API, { devDeps: ['@types/aws-lambda'] }));
    setUpHarmonixApp(this, options, SERVERLESS_API);
  }
}
