import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';

/** Options of `harmonix-python-ecs`. */
export interface HarmonixPythonEcsProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}

/** Python image of the test job and the container. */
const PYTHON_IMAGE = 'public.ecr.aws/docker/library/python:3.13-slim';
/** pytest in a virtual environment, from PyPI: `npx projen test` and the CI test job alike. */
const PYTEST = [
  'python3 -m venv .venv',
  '.venv/bin/pip install --quiet --requirement requirements-dev.txt',
  '.venv/bin/python -m pytest',
];


/** What makes this blueprint. */
const PYTHON_ECS: BlueprintSpec = {
  kinds: [EnvironmentKind.ECS, EnvironmentKind.EKS],
  componentType: 'service',
  pjid: 'harmonix-python-ecs',
  samples: ['common', 'container-infra', 'python-ecs'],
  develop: [
    'npm install                 # once: projen and the CDK app',
    'npx projen test             # pytest in .venv, and eslint on infra/',
    '.venv/bin/flask --app app.main run --port {{containerPort}}   # http://localhost:{{containerPort}}/health',
  ],
  test: { image: PYTHON_IMAGE, commands: PYTEST },
  otherToolchain: true,
  ignore: ['.venv/', '__pycache__/', '.pytest_cache/'],
  artifact: { kind: 'image' },
};

/**
 * A Python Flask service on ECS Fargate: sample code with a health endpoint and its pytest
 * tests (run in a virtual environment), a multi-stage Dockerfile serving it with gunicorn,
 * `infra/` (TypeScript, as projen and the CDK app) deploying it with `EcsApplication` into the
 * environment named at deploy time, a pipeline that tests it, builds the image once and deploys
 * it through every environment in stage order, its Backstage catalog file and TechDocs.
 *
 * @pjid harmonix-python-ecs
 */
export class HarmonixPythonEcsProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixPythonEcsProjectOptions) {
    super(blueprintProjectOptions(options, PYTHON_ECS));
    setUpHarmonixApp(this, options, PYTHON_ECS);
  }
}
