import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { javascript, JsonFile, Project, ProjenrcFile, typescript } from 'projen';
import { CiCredentials, GitHost, HarmonixAppOptions } from './blueprint-options';
import { AppSettings, BlueprintSettings, readAppSettings, readBlueprintSettings } from './blueprint-settings';
import { addCatalogInfo } from './catalog-info';
import { DESCRIPTORS_DIR, fetchDescriptorCommand } from './environments';
import { addGithubPipeline } from './github-pipeline';
import { addGitlabPipeline } from './gitlab-pipeline';
import { BundleArtifact, ImageArtifact, OUTPUTS_FILE } from './pipeline';
import { addSampleFiles, render, renderFile } from './sample-files';
import { EnvironmentKind } from '../contract/environment';

/** What distinguishes one blueprint from another. */
export interface BlueprintSpec {
  /** The blueprint's `@pjid`. */
  readonly pjid: string;
  /** Environment kinds the app deploys to. */
  readonly kinds: EnvironmentKind[];
  /** The Backstage component type. */
  readonly componentType: string;
  /** Folders under `blueprints/` copied into the repo, in order. */
  readonly samples: string[];
  /** Tokens of the sample files beyond the app's name, description and port. */
  readonly tokens?: Record<string, string>;
  /** Shell commands a developer runs, for the README. */
  readonly develop: string[];
  /** The test job: the app's own toolchain in its image (the same commands as `npx projen test`). */
  readonly test: { readonly image: string; readonly commands: string[] };
  /**
   * The app is not built by Node: `npx projen test` runs the test job's commands too, and the
   * TypeScript project holds `infra/` only.
   */
  readonly otherToolchain?: boolean;
  /** Paths the app's toolchain writes, for .gitignore. */
  readonly ignore?: string[];
  readonly artifact: ImageArtifact | BundleArtifact;
}

/** Options every blueprint project has. */
export type BlueprintProjectOptions = typescript.TypeScriptProjectOptions & HarmonixAppOptions;

/**
 * A path to a packed harmonix-cdk, as `projen new --from` passes it: `npm pack`'s
 * `harmonix-cdk-1.2.3.tgz` or jsii-pacmak's `harmonix-cdk@1.2.3.jsii.tgz`.
 */
const PACKED_LIBRARY = /^(\.{0,2}\/|~\/|[A-Za-z]:\\).*harmonix-cdk[-@][^/\\]*\.tgz$/;

/** The CDK app in `infra/`, run by the CDK CLI through `cdk.json`. */
const INFRA_APP = 'npx ts-node --project tsconfig.dev.json --prefer-ts-exts infra/main.ts';

/**
 * The TypeScript project options of a blueprint: the app's repo is not a package to publish;
 * projen's own GitHub workflows give way to the pipeline; the infrastructure's tools are dev
 * dependencies (this library from where `projen new --from` took it, if it did).
 */
export function blueprintProjectOptions(
  options: BlueprintProjectOptions, spec: BlueprintSpec, own: Partial<typescript.TypeScriptProjectOptions> = {},
): typescript.TypeScriptProjectOptions {
  const readme = renderFile('app-readme.md', sampleTokens(readAppSettings(options), spec));
  // `projen new --from <path to a packed harmonix-cdk>` names the tarball's path as a dependency: name it as npm does.
  const devDeps = [...(own.devDeps ?? []), ...(options.devDeps ?? [])]
    .map(d => PACKED_LIBRARY.test(d) ? `harmonix-cdk@file:${d}` : d);
  if (!devDeps.some(d => d === 'harmonix-cdk' || d.startsWith('harmonix-cdk@'))) {
    devDeps.push('harmonix-cdk');
  }
  const github = options.gitHost === GitHost.GITHUB;
  return {
    release: false,
    package: false,
    depsUpgrade: false,
    buildWorkflow: false,
    pullRequestTemplate: false,
    sampleCode: false,
    readme: { contents: readme },
    licensed: false,
    npmignoreEnabled: false,
    // At the root, so that the CDK app in infra/ type-checks with the tests (projen's default is test/tsconfig.json).
    tsconfigDevFile: 'tsconfig.dev.json',
    packageManager: javascript.NodePackageManager.NPM,
    // A Python or Java app's TypeScript is its infra/ only, with no jest tests.
    ...(spec.otherToolchain ? { srcdir: 'infra', jest: false } : { jest: true }),
    ...own,
    ...options,
    github,
    githubOptions: github ? { mergify: false, pullRequestLint: false, ...options.githubOptions } : undefined,
    devDeps: [...devDeps, 'aws-cdk-lib@^2.263.0', 'constructs@^10.5.1', 'aws-cdk@^2', 'cdk-nag@^3', 'ts-node'],
  };
}

/**
 * Everything a Harmonix app repo has besides its code: the environments' descriptors, the
 * app's settings for `infra/`, the CI pipeline of its Git host, the catalog file and docs, and
 * the sample files of its blueprint.
 */
export function setUpHarmonixApp(project: typescript.TypeScriptProject, options: BlueprintProjectOptions, spec: BlueprintSpec): BlueprintSettings {
  const s = readBlueprintSettings(project, options, spec.kinds);
  provideGitIdentity(project);
  const tokens = sampleTokens(s, spec);
  for (const folder of spec.samples) {
    addSampleFiles(project, folder, tokens);
  }
  // What infra/main.ts reads (it stays right when the options change).
  new JsonFile(project, '.harmonix/app.json', {
    obj: { appName: s.appName, containerPort: s.containerPort, listenerPriority: s.listenerPriority, eksNamespace: s.eksNamespace },
  });
  new JsonFile(project, 'cdk.json', { obj: { app: INFRA_APP, output: 'cdk.out' } });
  if (project.srcdir !== 'infra') {
    project.eslint?.addLintPattern('infra');
  }
  // The CDK app deploys; it is not shipped in the image: its libraries are dev dependencies.
  project.eslint?.allowDevDeps('infra/**');
  // Lint tests, infra/ and the projenrc file with the dev tsconfig (the project service would
  // take the root one, src only); a JavaScript projenrc joins it as JavaScript, not type-checked.
  const projenrc = ProjenrcFile.of(project);
  if (projenrc) {
    project.tsconfigDev.addInclude(projenrc.filePath);
    if (projenrc.filePath.endsWith('.js')) {
      project.tsconfigDev.file.addOverride('compilerOptions.allowJs', true);
    }
  }
  const eslintrc = project.tryFindObjectFile('.eslintrc.json');
  eslintrc?.addDeletionOverride('parserOptions.projectService');
  eslintrc?.addOverride('parserOptions.project', './tsconfig.dev.json');
  project.gitignore.exclude('cdk.out/', OUTPUTS_FILE, 'deploy.env', '.web-identity-token', '.gitlab-ci-local/', ...spec.ignore ?? []);
  if (spec.otherToolchain) {
    for (const command of spec.test.commands) {
      project.testTask.exec(command);
    }
  }

  if (s.targets.length === 0) {
    project.logger.warn(`No environment descriptor in ${DESCRIPTORS_DIR}/: the pipeline tests and builds only. `
      + `Add one with \`${fetchDescriptorCommand('<name>')}\` and run \`npx projen\`.`);
  }
  const plan = { settings: s, test: spec.test, artifact: spec.artifact };
  if (s.gitHost === GitHost.GITHUB) {
    addGithubPipeline(project.github!, plan, options.defaultReleaseBranch ?? 'main');
  } else {
    addGitlabPipeline(project, plan);
  }
  addCatalogInfo(project, s, spec.componentType);
  return s;
}

/** Who makes the first commit of a new repo when Git knows nobody on this machine. */
const FALLBACK_GIT_IDENTITY = { name: 'harmonix-cdk', email: 'harmonix-cdk@users.noreply.localhost' };

/**
 * `projen new` commits the generated repo right after creating the project, running git from
 * its own process (projen/lib/cli/cmds/new.js, with this process's environment). Where Git has
 * no identity (no user.name or user.email: a fresh machine, a container, a CI job) that commit
 * fails with a stack trace. So while projen creates the project (PROJEN_CREATE_PROJECT), a
 * missing name or email is given to Git through its GIT_AUTHOR_* and GIT_COMMITTER_* variables,
 * only those Git has no other value for, and the user is told how to make the commit theirs.
 */
function provideGitIdentity(project: Project): void {
  if (process.env.PROJEN_CREATE_PROJECT !== 'true') {
    return;
  }
  const cwd = fs.existsSync(project.outdir) ? project.outdir : undefined;
  const configured = (key: string): boolean | undefined => {
    const run = spawnSync('git', ['config', '--get', key], { cwd, encoding: 'utf8' });
    return run.error ? undefined : run.status === 0 && run.stdout.trim() !== '';
  };
  const hasName = configured('user.name');
  if (hasName === undefined) {
    // No git here: projen says so itself when it runs it.
    return;
  }
  const given: string[] = [];
  const give = (variable: string, value: string) => {
    if (process.env[variable] === undefined) {
      process.env[variable] = value;
      given.push(variable);
    }
  };
  if (!hasName) {
    give('GIT_AUTHOR_NAME', FALLBACK_GIT_IDENTITY.name);
    give('GIT_COMMITTER_NAME', FALLBACK_GIT_IDENTITY.name);
  }
  if (!configured('user.email') && process.env.EMAIL === undefined) {
    give('GIT_AUTHOR_EMAIL', FALLBACK_GIT_IDENTITY.email);
    give('GIT_COMMITTER_EMAIL', FALLBACK_GIT_IDENTITY.email);
  }
  if (given.length > 0) {
    project.logger.warn(`Git has no user.name or user.email here: the first commit is made as ${FALLBACK_GIT_IDENTITY.name} `
      + `<${FALLBACK_GIT_IDENTITY.email}>. Set yours (git config --global user.name "Your Name"; git config --global user.email you@example.com) `
      + 'and make the commit yours with git commit --amend --reset-author --no-edit.');
  }
}

/** The tokens of a blueprint's sample files and README. */
function sampleTokens(s: AppSettings, spec: BlueprintSpec): Record<string, string> {
  const oidc = s.credentials === CiCredentials.OIDC;
  const github = s.gitHost === GitHost.GITHUB;
  const tokens: Record<string, string> = {
    appName: s.appName,
    description: s.description,
    containerPort: String(s.containerPort),
    blueprint: spec.pjid,
    testCommand: spec.test.commands.join(' && '),
    buildSummary: spec.artifact.kind === 'image'
      ? 'builds the container image from the `Dockerfile` once (Buildah on GitLab, no Docker daemon in the job; Docker on GitHub\'s runners), tags it with the commit and pushes it to the app\'s ECR repository; every environment runs that same image.'
      : 'compiles the functions once into `lib/`, and every deploy job deploys that same bundle.',
    credentials: oidc
      ? `through the job's OIDC token (${github ? 'GitHub\'s' : 'GitLab\'s `id_tokens`'}) and \`AssumeRoleWithWebIdentity\`: no stored keys`
      : 'assumed from the runner\'s instance role',
    gate: github
      ? 'Each deploy job names its GitHub environment: give environments whose descriptor says `requireApproval: true` required reviewers in the repository\'s settings, and their job waits for one.'
      : 'An environment whose descriptor says `requireApproval: true` waits for a person to start its job.',
    dockerfile: spec.artifact.kind === 'image' ? ', the `Dockerfile`' : '',
    synthContext: spec.artifact.kind === 'image' ? ' --context imageRepository=<ecr uri> --context imageTag=<tag>' : '',
    ...spec.tokens,
  };
  tokens.develop = spec.develop.map(line => `    ${render(line, tokens, `${spec.pjid} README`)}`).join('\n');
  return tokens;
}
