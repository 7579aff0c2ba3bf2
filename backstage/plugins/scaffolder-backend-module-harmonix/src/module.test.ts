/**
 * A real Backstage backend in the test (startTestBackend): the catalog with the scaffolder's entity
 * model, the scaffolder, and this module. The catalog ingests the software templates the library
 * generates (`harmonix backstage templates`, the files BackstageOnFargate publishes) and the
 * environment entities; then for every template a task posted to /api/scaffolder/v2/tasks creates
 * the app's repository (projen new with the packed library, for real) on the local GitLab, one on
 * the local GitHub, with AWS on moto; catalog:register registers it, and the component is found in
 * the catalog. /v2/dry-run runs each template too.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { scaffolderModuleHarmonix } from './module';
import { descriptorEntity, FakeHosts, startHosts } from './testing/hosts';
import { developerEnv, packLibrary } from '../../../../test/fixtures/installed';
import { ROOT } from '../../../../test/fixtures/readme';

const auth = { Authorization: mockCredentials.user.header() };
/** Each blueprint, the app it makes and where: GitLab for every template, GitHub for one more. */
const RUNS = [
  {
    template: 'harmonix-node-service',
    app: 'orders',
    host: 'gitlab',
    environments: ['dev', 'prod'],
  },
  {
    template: 'harmonix-python-service',
    app: 'stock',
    host: 'gitlab',
    environments: ['dev', 'staging'],
    options: { eksNamespace: 'orders' },
  },
  {
    template: 'harmonix-java-service',
    app: 'ledger',
    host: 'gitlab',
    environments: ['dev'],
    options: { javaPackage: 'com.shop.ledger' },
  },
  {
    template: 'harmonix-serverless-api',
    app: 'quotes',
    host: 'gitlab',
    environments: ['lambda'],
  },
  {
    template: 'harmonix-node-service',
    app: 'pricing',
    host: 'github',
    environments: ['dev'],
  },
] as const;

let hosts: FakeHosts;
let server: Parameters<typeof request>[0];
let work: string;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  hosts = await startHosts();
  Object.assign(process.env, developerEnv());
  const tarball = packLibrary({ task: 'test:backstage', rsync: false });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-backstage-'));
  // The templates as the library writes them for a Backstage run elsewhere, offering both hosts.
  const templates = path.join(work, 'templates');
  execFileSync(process.execPath, [
    path.join(ROOT, 'bin', 'harmonix'),
    'backstage',
    'templates',
    '--out',
    templates,
    '--owner',
    'group:default/platform',
    '--allowed-host',
    hosts.gitlabHost,
    '--allowed-host',
    hosts.githubHost,
  ]);
  const environments = path.join(work, 'environments');
  fs.mkdirSync(environments);
  for (const e of [
    descriptorEntity('ECS', 'dev', 1),
    descriptorEntity('ECS', 'prod', 3, true),
    descriptorEntity('EKS', 'staging', 2),
    descriptorEntity('SERVERLESS', 'lambda', 1),
  ]) {
    fs.writeFileSync(
      path.join(environments, `${e.metadata.name}.json`),
      JSON.stringify(e),
    );
  }
  const locations = [
    ...fs
      .readdirSync(templates)
      .map(f => ({ type: 'file', target: path.join(templates, f) })),
    ...fs
      .readdirSync(environments)
      .map(f => ({ type: 'file', target: path.join(environments, f) })),
  ];
  fs.mkdirSync(path.join(work, 'tasks'));
  ({ server } = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      import(
        '@backstage/plugin-catalog-backend-module-scaffolder-entity-model'
      ),
      import('@backstage/plugin-scaffolder-backend'),
      scaffolderModuleHarmonix,
      mockServices.rootConfig.factory({
        data: {
          backend: { workingDirectory: path.join(work, 'tasks') },
          ...hosts.integrationsConfig(),
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Template',
                  'Group',
                  'User',
                ],
              },
            ],
            locations,
            processingInterval: { seconds: 2 },
          },
          scaffolder: { concurrentTasksLimit: 2 },
          harmonix: {
            createApp: {
              blueprintPackage: tarball,
              region: 'eu-west-1',
              generateTimeoutMinutes: 20,
            },
          },
        },
      }),
    ],
  }));
  await waitFor(
    'the catalog to hold every template and environment',
    async () => {
      const res = await request(server)
        .get('/api/catalog/entities')
        .query({ filter: 'metadata.annotations.harmonix.dev/blueprint' })
        .set(auth);
      return res.status === 200 && res.body.length === 4 ? true : undefined;
    },
    120_000,
  );
}, 600_000);

afterAll(async () => {
  await hosts?.close();
});

afterEach(() => {
  expect(hosts.violations()).toEqual([]);
});

test('the scaffolder lists harmonix:create-app with its schema and examples', async () => {
  const res = await request(server).get('/api/scaffolder/v2/actions').set(auth);
  const action = res.body.find(
    (a: { id: string }) => a.id === 'harmonix:create-app',
  );
  expect(Object.keys(action.schema.input.properties).sort()).toEqual([
    'blueprint',
    'environments',
    'name',
    'options',
    'owner',
    'repoUrl',
    'system',
  ]);
  expect(action.schema.input.required.sort()).toEqual([
    'blueprint',
    'environments',
    'name',
    'repoUrl',
  ]);
  expect(Object.keys(action.schema.output.properties).sort()).toEqual([
    'pipelineUrl',
    'project',
    'remoteUrl',
    'repoContentsUrl',
  ]);
  expect(action.examples.length).toBeGreaterThan(0);
});

/** The logger's colour codes (ESC [ ... m). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A task's log lines as its page shows them, without the logger's colour codes and level. */
function taskLog(events: Array<{ body: { message?: string } }>): string[] {
  return events.map(e =>
    (e.body.message ?? '').replace(COLOUR, '').replace(/^info: /, ''),
  );
}

function values(run: (typeof RUNS)[number]) {
  const repoHost = run.host === 'gitlab' ? hosts.gitlabHost : hosts.githubHost;
  const owner = run.host === 'gitlab' ? 'shop/apps' : 'shop';
  return {
    name: run.app,
    owner: 'group:default/shop',
    environments: run.environments.map(e => `resource:default/${e}`),
    repoUrl: `${repoHost}?owner=${encodeURIComponent(owner)}&repo=${run.app}`,
    ...('options' in run ? run.options : {}),
  };
}

test.each(RUNS)(
  'dry run of $template ($host): every step checked, nothing created',
  async run => {
    const template = (
      await request(server)
        .get(`/api/catalog/entities/by-name/template/default/${run.template}`)
        .set(auth)
    ).body;
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(auth)
      .send({
        template,
        values: values(run),
        secrets: {},
        directoryContents: [],
      });
    expect(res.status).toBe(200);
    expect(res.body.steps.map((s: { id: string }) => s.id)).toEqual([
      'create-app',
      'register',
    ]);
    const messages = res.body.log.map(
      (l: { body: { message?: string } }) => l.body.message ?? '',
    );
    expect(
      messages.some((m: string) =>
        m.includes(`dry run: nothing was created; `),
      ),
    ).toBe(true);
    expect(
      messages.filter(
        (m: string) => /error/i.test(m) && !/Skipping because/.test(m),
      ),
    ).toEqual([]);
    expect(hosts.gitlab.project(`shop/apps/${run.app}`)).toBeUndefined();
  },
);

describe.each(RUNS)('$template on $host, as a task', run => {
  let task: { status: string; id: string };
  let log: string[];

  beforeAll(async () => {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set(auth)
      .send({
        templateRef: `template:default/${run.template}`,
        values: values(run),
      });
    if (created.status !== 201) {
      throw new Error(
        `the scaffolder refused the task (${created.status}): ${JSON.stringify(
          created.body,
        )}`,
      );
    }
    task = await waitFor(
      `task ${created.body.id}`,
      async () => {
        const res = await request(server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
          .set(auth);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      1_500_000,
    );
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
      .set(auth);
    log = taskLog(events.body);
  }, 1_600_000);

  test('the task completes; its log says what was made', () => {
    expect([task.status, log.filter(l => /error|fail/i.test(l))]).toEqual([
      'completed',
      [],
    ]);
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^\\+ repo .*${run.app}: ${run.template} generated with ${run.environments.length} environment descriptor\\(s\\)`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${run.host === 'gitlab' ? 'shop/apps' : 'shop'}/${
              run.app
            } is ready: `,
          ),
        ),
      ]),
    );
  });

  test('the repository holds the generated app with its descriptors and catalog file', () => {
    const files =
      run.host === 'gitlab'
        ? hosts.gitlab.project(`shop/apps/${run.app}`)!.branches.get('main')!
            .files
        : (() => {
            const repo = hosts.github.repo(`shop/${run.app}`)!;
            return repo.commits.get(repo.refs.get('main')!)!.files;
          })();
    const names = [...files.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        '.projenrc.ts',
        'catalog-info.yaml',
        ...run.environments.map(e => `.harmonix/environments/${e}.json`),
      ]),
    );
    expect(names).toContain(
      run.host === 'gitlab'
        ? '.gitlab-ci.yml'
        : '.github/workflows/pipeline.yml',
    );
    expect(names.some(n => n.startsWith('node_modules/'))).toBe(false);
  });

  test('the component is in the catalog, owned as asked', async () => {
    const component = await waitFor(
      `component ${run.app} in the catalog`,
      async () => {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/component/default/${run.app}`)
          .set(auth);
        return res.status === 200 ? res.body : undefined;
      },
      60_000,
    );
    expect(component.spec.owner).toBe('group:default/shop');
  });
});

test('a refused task: one sentence in its log, nothing made', async () => {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set(auth)
    .send({
      templateRef: 'template:default/harmonix-node-service',
      values: {
        name: 'ghost',
        owner: 'group:default/shop',
        environments: ['resource:default/dev'],
        repoUrl: `${hosts.gitlabHost}?owner=shop%2Fapps&repo=ghost`,
      },
    });
  expect(created.status).toBe(201);
  const task = await waitFor(
    'the refused task',
    async () => {
      const res = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set(auth);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    },
    120_000,
  );
  expect(task.status).toBe('failed');
  const events = await request(server)
    .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
    .set(auth);
  const log = taskLog(events.body);
  const refusal = log.filter(l => /ghost is not registered/.test(l));
  expect(refusal).toEqual([
    "InputError: ghost is not registered with the platform: /harmonix/apps/ghost/image-repository is missing in account 123456789012, eu-west-1; register it (GitlabRunner.registerApp({ appName: 'ghost' })), deploy the platform, and run the template again with the same values.",
  ]);
  expect(log.some(l => /^\s+at /m.test(l))).toBe(false);
  expect(hosts.gitlab.project('shop/apps/ghost')).toBeUndefined();
});
