import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';
import { NODE_IMAGE } from '../pipeline';

/** Options of `harmonix-node-service` (and of `harmonix-node-ecs`, its former name). */
export interface HarmonixNodeServiceProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}

/** What makes this blueprint. */
const NODE_SERVICE: BlueprintSpec = {
  kinds: [EnvironmentKind.ECS, EnvironmentKind.EKS],
  componentType: 'service',
  pjid: 'harmonix-node-service',
  samples: ['common', 'container-infra', 'node-service'],
  develop: [
    'npm install                                # once',
    'npx projen test                            # jest and eslint',
    'npx projen compile && node lib/server.js   # http://localhost:{{containerPort}}/health',
  ],
  test: { image: NODE_IMAGE, commands: ['npm ci', 'npx projen test'] },
  artifact: { kind: 'image' },
};

/**
 * A TypeScript web service in a container: sample code with a health endpoint and its jest
 * tests, a multi-stage Dockerfile, `infra/` deploying it into the environment named at deploy
 * time (`EcsApplication` on ECS Fargate, `EksApplication` on EKS), a pipeline that tests it,
 * builds the image once and deploys it through every environment in stage order, its Backstage
 * catalog file and TechDocs.
 *
 * @pjid harmonix-node-service
 */
export class HarmonixNodeServiceProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixNodeServiceProjectOptions) {
    super(blueprintProjectOptions(options, NODE_SERVICE));
    setUpHarmonixApp(this, options, NODE_SERVICE);
  }
}

/** Options of `harmonix-node-ecs`, the former name of `harmonix-node-service`: the same options. */
export interface HarmonixNodeEcsProjectOptions extends HarmonixNodeServiceProjectOptions {}

/**
 * `harmonix-node-ecs`, the former name of `harmonix-node-service` (from when it deployed to ECS
 * only): the same blueprint, kept so that repos made with it and `projen new harmonix-node-ecs`
 * keep working. New repos take `harmonix-node-service`.
 *
 * @pjid harmonix-node-ecs
 */
export class HarmonixNodeEcsProject extends HarmonixNodeServiceProject {
  constructor(options: HarmonixNodeEcsProjectOptions) {
    super(options);
  }
}
