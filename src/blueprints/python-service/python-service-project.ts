import { typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { blueprintProjectOptions, BlueprintSpec, setUpHarmonixApp } from '../harmonix-app';

/** Options of `harmonix-python-service` (and of `harmonix-python-ecs`, its former name). */
export interface HarmonixPythonServiceProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}

/** Python image of the test job and the container. */
const PYTHON_IMAGE = 'public.ecr.aws/docker/library/python:3.13-slim';
/** pytest in a virtual environment, from PyPI: `npx projen test` and the CI test job alike. */
const PYTEST = [
  'python3 -m venv .venv',
  '.venv/bin/pip install --quiet --requirement requirements-dev.txt',
  '.venv/bin/python -m pytest',
];


/** What makes this blueprint. */
const PYTHON_SERVICE: BlueprintSpec = {
  kinds: [EnvironmentKind.ECS, EnvironmentKind.EKS],
  componentType: 'service',
  pjid: 'harmonix-python-service',
  samples: ['common', 'container-infra', 'python-service'],
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
 * A Python Flask service in a container: sample code with a health endpoint and its pytest
 * tests (run in a virtual environment), a multi-stage Dockerfile serving it with gunicorn,
 * `infra/` (TypeScript, as projen and the CDK app) deploying it into the environment named at
 * deploy time (`EcsApplication` on ECS Fargate, `EksApplication` on EKS), a pipeline that tests
 * it, builds the image once and deploys it through every environment in stage order, its
 * Backstage catalog file and TechDocs.
 *
 * @pjid harmonix-python-service
 */
export class HarmonixPythonServiceProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixPythonServiceProjectOptions) {
    super(blueprintProjectOptions(options, PYTHON_SERVICE));
    setUpHarmonixApp(this, options, PYTHON_SERVICE);
  }
}

/** Options of `harmonix-python-ecs`, the former name of `harmonix-python-service`: the same options. */
export interface HarmonixPythonEcsProjectOptions extends HarmonixPythonServiceProjectOptions {}

/**
 * `harmonix-python-ecs`, the former name of `harmonix-python-service` (from when it deployed to
 * ECS only): the same blueprint, kept so that repos made with it and `projen new
 * harmonix-python-ecs` keep working. New repos take `harmonix-python-service`.
 *
 * @pjid harmonix-python-ecs
 */
export class HarmonixPythonEcsProject extends HarmonixPythonServiceProject {
  constructor(options: HarmonixPythonEcsProjectOptions) {
    super(options);
  }
}
