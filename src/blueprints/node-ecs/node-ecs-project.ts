import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';
import { NODE_IMAGE } from '../pipeline';

/** Options of `harmonix-node-ecs`. */
export interface HarmonixNodeEcsProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}


/** What makes this blueprint. */
const NODE_ECS: BlueprintSpec = {
  kinds: [EnvironmentKind.ECS, EnvironmentKind.EKS],
  componentType: 'service',
  pjid: 'harmonix-node-ecs',
  samples: ['common', 'container-infra', 'node-ecs'],
  develop: [
    'npm install                                # once',
    'npx projen test                            # jest and eslint',
    'npx projen compile && node lib/server.js   # http://localhost:{{containerPort}}/health',
  ],
  test: { image: NODE_IMAGE, commands: ['npm ci', 'npx projen test'] },
  artifact: { kind: 'image' },
};

/**
 * A TypeScript web service on ECS Fargate: sample code with a health endpoint and its jest
 * tests, a multi-stage Dockerfile, `infra/` deploying it with `EcsApplication` into the
 * environment named at deploy time, a pipeline that tests it, builds the image once and deploys
 * it through every environment in stage order, its Backstage catalog file and TechDocs.
 *
 * @pjid harmonix-node-ecs
 */
export class HarmonixNodeEcsProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixNodeEcsProjectOptions) {
    super(blueprintProjectOptions(options, NODE_ECS));
    setUpHarmonixApp(this, options, NODE_ECS);
  }
}
