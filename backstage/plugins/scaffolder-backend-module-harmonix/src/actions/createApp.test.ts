import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createHarmonixCreateAppAction, readSettings } from './createApp';
import { catalogFixtures, useFakeHosts } from '../testing/hosts';

/**
 * The action with Backstage's own test context (`createMockActionContext`) and catalog
 * (`catalogServiceMock`), against the local GitLab and GitHub (every request validated against
 * their OpenAPI descriptions) and moto. The repo's folder is one generated before (as a second run
 * finds it), so these tests reach the Git host without a projen run; the backend test
 * (module.test.ts) generates for real.
 */
const hosts = useFakeHosts();

const ENVIRONMENTS = catalogFixtures();

function action(config: Record<string, unknown> = {}, entities = ENVIRONMENTS) {
  const reader = new ConfigReader({
    ...hosts.integrationsConfig(),
    ...config,
  } as JsonObject);
  return createHarmonixCreateAppAction({
    integrations: ScmIntegrations.fromConfig(reader),
    catalog: catalogServiceMock({ entities }),
    settings: readSettings(reader),
  });
}

/** A task's workspace holding the app's repo, generated before (a projen project with a catalog file). */
function workspace(app: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-action-'));
  const repo = path.join(dir, app);
  fs.mkdirSync(path.join(repo, '.projen'), { recursive: true });
  fs.writeFileSync(path.join(repo, '.projen', 'tasks.json'), '{"tasks":{}}\n');
  fs.writeFileSync(
    path.join(repo, 'catalog-info.yaml'),
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${app}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/shop\n`,
  );
  return dir;
}

test('a GitLab project with its pipeline ready: outputs for catalog:register and the links, progress in the task log', async () => {
  const ctx = createMockActionContext({
    input: {
      blueprint: 'harmonix-node-service',
      name: 'orders',
      owner: 'group:default/shop',
      environments: ['resource:default/dev', 'resource:default/prod'],
      repoUrl: `${hosts.gitlabHost}?owner=shop/apps&repo=orders`,
    },
    workspacePath: workspace('orders'),
  });
  const lines: string[] = [];
  const info = ctx.logger.info.bind(ctx.logger);
  ctx.logger.info = ((message: string, ...rest: any[]) => {
    lines.push(message);
    return info(message, ...rest);
  }) as any;
  await action({ harmonix: { createApp: { region: 'eu-west-1' } } }).handler(
    ctx as any,
  );
  const project = hosts.gitlab.project('shop/apps/orders')!;
  expect(project).toBeDefined();
  expect([...project.variables.keys()]).toEqual([
    'HARMONIX_IMAGE_REPOSITORY',
    'HARMONIX_BUILD_ROLE_ARN',
  ]);
  expect([...project.protectedEnvironments.keys()]).toEqual(['prod']);
  expect([...project.branches.get('main')!.files.keys()]).toContain(
    'catalog-info.yaml',
  );
  const web = `${hosts.gitlab.url}/shop/apps/orders`;
  expect(ctx.output).toHaveBeenCalledWith('remoteUrl', web);
  expect(ctx.output).toHaveBeenCalledWith(
    'repoContentsUrl',
    `${web}/-/blob/main`,
  );
  expect(ctx.output).toHaveBeenCalledWith('pipelineUrl', `${web}/-/pipelines`);
  expect(ctx.output).toHaveBeenCalledWith('project', 'shop/apps/orders');
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^harmonix:create-app: harmonix-node-service as shop\/apps\/orders on 127\.0\.0\.1:\d+, deploying to dev \(ECS, stage 1\), prod \(ECS, stage 3\)$/,
      ),
      expect.stringMatching(
        /^= repo .*orders: generated before; used as it is$/,
      ),
      `+ project shop/apps/orders: ${web}`,
      expect.stringMatching(/^\+ protected environment prod: /),
      `shop/apps/orders is ready: ${web}; its pipeline runs on each push to main`,
    ]),
  );

  // Idempotent, as the command is: the same values again find everything made.
  const again = createMockActionContext({
    input: ctx.input,
    workspacePath: workspace('orders'),
  });
  await action({ harmonix: { createApp: { region: 'eu-west-1' } } }).handler(
    again as any,
  );
  expect(again.output).toHaveBeenCalledWith('remoteUrl', web);
});

test("a GitHub repository through the GitHub integration's token", async () => {
  const ctx = createMockActionContext({
    input: {
      blueprint: 'harmonix-serverless-api',
      name: 'quotes',
      environments: ['resource:default/lambda'],
      repoUrl: `${hosts.githubHost}?owner=shop&repo=quotes`,
    },
    workspacePath: workspace('quotes'),
  });
  await action({ harmonix: { createApp: { region: 'eu-west-1' } } }).handler(
    ctx as any,
  );
  expect(hosts.github.repo('shop/quotes')).toBeDefined();
  const web = `${hosts.github.url}/shop/quotes`;
  expect(ctx.output).toHaveBeenCalledWith(
    'repoContentsUrl',
    `${web}/blob/main`,
  );
  expect(ctx.output).toHaveBeenCalledWith('pipelineUrl', `${web}/actions`);
});

test('dry run: every local input and the catalog checked, nothing called on the Git host or AWS', async () => {
  const before = hosts.gitlab.requests.length;
  // Backstage's mock context takes no isDryRun: the scaffolder sets it on the context it gives an action.
  const ctx = {
    ...createMockActionContext({
      input: {
        blueprint: 'harmonix-java-service',
        name: 'ledger',
        environments: ['resource:default/dev'],
        repoUrl: `${hosts.gitlabHost}?owner=shop/apps&repo=ledger`,
        options: {
          eksNamespace: '',
          javaPackage: 'com.shop.ledger',
          runnerTags: [],
        },
      },
      workspacePath: workspace('ledger'),
    }),
    isDryRun: true,
  };
  await action().handler(ctx as any);
  expect(hosts.gitlab.requests.slice(before)).toEqual([]);
  expect(hosts.gitlab.project('shop/apps/ledger')).toBeUndefined();
  expect(ctx.output).toHaveBeenCalledWith(
    'remoteUrl',
    `${hosts.gitlab.url}/shop/apps/ledger`,
  );
});

describe('bad input: one sentence, nothing made', () => {
  const base = () => ({
    blueprint: 'harmonix-node-service',
    name: 'refused',
    environments: ['resource:default/dev'],
    repoUrl: `${hosts.gitlabHost}?owner=shop/apps&repo=refused`,
  });
  /** Runs the action; resolves to the refusal's message, checking it reaches the task log as that one sentence. */
  const refuse = (
    input: Record<string, unknown>,
    config: Record<string, unknown> = {},
  ) =>
    action({ harmonix: { createApp: { region: 'eu-west-1' } }, ...config })
      .handler(
        createMockActionContext({
          input: input as any,
          workspacePath: workspace(String(input.name)),
        }) as any,
      )
      .then(
        () => 'accepted',
        // A stack beyond the sentence would show in the task log: it makes the message differ.
        (e: Error) =>
          e.stack === `${e.name}: ${e.message}`
            ? e.message
            : `with a stack: ${e.stack}`,
      );

  test.each([
    [
      'an unknown blueprint',
      { blueprint: 'harmonix-php' },
      /^blueprint "harmonix-php" is not a blueprint: use one of harmonix-node-service, /,
    ],
    [
      'an environment of a kind the blueprint cannot deploy to',
      { environments: ['resource:default/lambda'] },
      /^environment "lambda" is a SERVERLESS environment, and harmonix-node-service deploys to ECS or EKS environments only: leave it out, or pick the blueprint for it\.$/,
    ],
    [
      'an environment the catalog does not have',
      { environments: ['resource:default/nowhere'] },
      /^environments: resource:default\/nowhere is not in the catalog, or the user running the template may not see it: pick one of the portal's environments\.$/,
    ],
    [
      'a catalog entity that is no environment',
      { environments: ['resource:default/orders-db'] },
      /^environments: resource:default\/orders-db is not a harmonix environment \(a Resource of type aws-environment\): pick one of the portal's environments\.$/,
    ],
    [
      'an environment entity without its descriptor',
      { environments: ['resource:default/old'] },
      /^environments: resource:default\/old has no harmonix\.dev\/descriptor annotation: deploy the portal \(BackstageOnFargate\) again/,
    ],
    [
      'a name that is no app name',
      { name: 'Refused_App', repoUrl: `HOST?owner=shop/apps&repo=Refused_App` },
      /^name "Refused_App" is not an app name: 1 to 40 lower-case letters/,
    ],
    [
      'a repository named otherwise than the app',
      { repoUrl: `HOST?owner=shop/apps&repo=other` },
      /^repoUrl names the repository "other", and an app's repository takes the app's name: name it refused\.$/,
    ],
    [
      'a host without an integration',
      { repoUrl: 'gitlab.example.org?owner=shop&repo=refused' },
      /^repoUrl's host gitlab\.example\.org has no GitLab or GitHub integration in Backstage's configuration/,
    ],
    [
      'an option create-app sets itself',
      { options: { gitlabProjectPath: 'elsewhere/refused' } },
      /^options "gitlabProjectPath" is not a blueprint option create-app passes on/,
    ],
    [
      'an app the platform has not registered',
      {
        name: 'unregistered',
        repoUrl: 'HOST?owner=shop/apps&repo=unregistered',
      },
      /^unregistered is not registered with the platform: \/harmonix\/apps\/unregistered\/image-repository is missing in account 123456789012, eu-west-1; register it .* and run the template again with the same values\.$/,
    ],
  ])('%s', async (_what, override, expected) => {
    const input: Record<string, unknown> = { ...base(), ...override };
    if (typeof input.repoUrl === 'string')
      input.repoUrl = input.repoUrl.replace('HOST', hosts.gitlabHost);
    const before = hosts.gitlab.projects.size;
    expect(await refuse(input)).toMatch(expected);
    expect(hosts.gitlab.projects.size).toBe(before);
  });

  test('a name taken by a project create-app did not make', async () => {
    hosts.gitlab.addProject('shop/apps/taken', "somebody else's");
    expect(
      await refuse({
        ...base(),
        name: 'taken',
        repoUrl: `${hosts.gitlabHost}?owner=shop/apps&repo=taken`,
      }),
    ).toMatch(
      /^the name taken is taken in shop\/apps: .* exists and create-app did not make it for this app .*; pick another name, or another owner in the repository location\.$/,
    );
  });

  test('an integration without a token, and a token without the api scope', async () => {
    expect(
      await refuse(base(), hosts.integrationsConfig({ gitlabToken: '' })),
    ).toBe(
      `no GitLab token: set integrations.gitlab[host=${hosts.gitlabHost}].token in Backstage's configuration to an access token with the api scope.`,
    );
    expect(
      await refuse(
        base(),
        hosts.integrationsConfig({ gitlabToken: 'glpat-read-only' }),
      ),
    ).toMatch(
      new RegExp(
        `^GitLab at ${hosts.gitlab.url.replace(
          /[.]/g,
          '\\.',
        )} forbade it \\(403\\) to create the project shop/apps/refused: the token needs the api scope`,
      ),
    );
  });

  test('settings out of bounds refuse to start the action', () => {
    expect(() =>
      readSettings(
        new ConfigReader({
          harmonix: { createApp: { generateTimeoutMinutes: 0 } },
        }),
      ),
    ).toThrow(
      'harmonix.createApp.generateTimeoutMinutes is 0: give a whole number of minutes from 1 to 120.',
    );
    expect(() =>
      readSettings(
        new ConfigReader({ harmonix: { createApp: { visibility: 'secret' } } }),
      ),
    ).toThrow(
      'harmonix.createApp.visibility is "secret": give private, internal or public.',
    );
  });
});
