/**
 * What the Backstage tests run against, started on 127.0.0.1 by the test: moto's server for AWS,
 * and the GitLab and GitHub the library's own command-line tests use (small stateful servers
 * behind Prism, every request validated against the host's OpenAPI description). They live in the
 * library's test fixtures (test/fixtures of this repository); moto comes from the tools venv the
 * library's test set-up installs (run the library's tests once before these, as CI does).
 */
import { Entity } from '@backstage/catalog-model';
import { descriptorText } from '../../../../../test/fixtures/blueprints';
import { registerApps } from '../../../../../test/fixtures/cli';
import {
  FakeGithub,
  startGithub,
} from '../../../../../test/fixtures/github-server';
import {
  FakeGitlab,
  startGitlab,
} from '../../../../../test/fixtures/gitlab-server';
import {
  MotoServer,
  startMoto,
} from '../../../../../test/fixtures/python-tools';

export { descriptorText };

/** The token of the GitLab and GitHub integrations. */
export const GITLAB_TOKEN = 'glpat-backstage';
export const GITHUB_TOKEN = 'ghp-backstage';
/** The apps the platform registered (GitlabRunner.registerApp) in moto's account. */
export const REGISTERED_APPS = [
  'orders',
  'ledger',
  'stock',
  'quotes',
  'taken',
  'refused',
  'pricing',
  'billing',
  'search',
];

export interface FakeHosts {
  readonly moto: MotoServer;
  readonly gitlab: FakeGitlab;
  readonly github: FakeGithub;
  /** The integrations' hosts (`127.0.0.1:<port>`), as a repository picker writes them. */
  readonly gitlabHost: string;
  readonly githubHost: string;
  /**
   * Backstage's `integrations` for both servers (a token left out when given as ''), under their
   * own hosts or, with `as`, under the public hosts' names (gitlab.com, github.com) examples use.
   */
  integrationsConfig(o?: {
    gitlabToken?: string;
    githubToken?: string;
    as?: { gitlab: string; github: string };
  }): Record<string, unknown>;
  violations(): string[];
  close(): Promise<void>;
}

/**
 * Starts moto (the apps registered), the GitLab (group shop/apps; a token with the api scope and
 * one with read_api only) and the GitHub (organization shop), and points the AWS SDK at moto
 * through the environment, as the backend's credentials would be.
 */
export async function startHosts(): Promise<FakeHosts> {
  const [moto, gitlab, github] = await Promise.all([
    startMoto(),
    startGitlab({
      groups: ['shop/apps'],
      tokens: { [GITLAB_TOKEN]: ['api'], 'glpat-read-only': ['read_api'] },
      tier: 'premium',
    }),
    startGithub({
      user: 'platform-bot',
      organizations: ['shop', 'acme'],
      teams: [],
      tokens: [GITHUB_TOKEN],
      plan: 'team',
    }),
  ]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  await registerApps(
    moto.endpoint,
    REGISTERED_APPS,
    'arn:aws:iam::123456789012:role/harmonix-gitlab-runner',
  );
  const gitlabHost = new URL(gitlab.url).host;
  const githubHost = new URL(github.url).host;
  return {
    moto,
    gitlab,
    github,
    gitlabHost,
    githubHost,
    integrationsConfig: (o = {}) => ({
      integrations: {
        gitlab: [
          {
            host: o.as?.gitlab ?? gitlabHost,
            baseUrl: gitlab.url,
            apiBaseUrl: `${gitlab.url}/api/v4`,
            ...(o.gitlabToken === ''
              ? {}
              : { token: o.gitlabToken ?? GITLAB_TOKEN }),
          },
        ],
        github: [
          {
            host: o.as?.github ?? githubHost,
            apiBaseUrl: github.url,
            ...(o.githubToken === ''
              ? {}
              : { token: o.githubToken ?? GITHUB_TOKEN }),
          },
        ],
      },
    }),
    violations: () => [...gitlab.violations(), ...github.violations()],
    close: async () => {
      await Promise.all([gitlab.close(), github.close()]);
      moto.stop();
    },
  };
}

/** An environment's catalog entity as BackstageOnFargate writes it, with its whole descriptor. */
export function descriptorEntity(
  kind: 'ECS' | 'SERVERLESS' | 'EKS',
  name: string,
  stage: number,
  requireApproval = false,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      title: `Environment ${name}`,
      annotations: {
        'harmonix.dev/kind': kind,
        'harmonix.dev/stage': String(stage),
        'harmonix.dev/descriptor': descriptorText(
          kind,
          name,
          stage,
          requireApproval,
        ),
      },
    },
    spec: { type: 'aws-environment', owner: 'group:default/platform' },
  };
}

/** The catalog the action tests read: environments of each kind, a database, and an environment without its descriptor. */
export function catalogFixtures(): Entity[] {
  return [
    descriptorEntity('ECS', 'dev', 1),
    descriptorEntity('ECS', 'prod', 3, true),
    descriptorEntity('EKS', 'staging', 2),
    descriptorEntity('SERVERLESS', 'lambda', 1),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'orders-db' },
      spec: { type: 'database', owner: 'group:default/shop' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'old', annotations: { 'harmonix.dev/kind': 'ECS' } },
      spec: { type: 'aws-environment', owner: 'group:default/platform' },
    },
  ];
}

/**
 * The hosts for one test file: started before its tests, stopped after them, and every test ends by
 * asserting that no request was refused by the hosts' API descriptions. The object it returns reads
 * through to the started hosts.
 */
export function useFakeHosts(): FakeHosts {
  let hosts: FakeHosts | undefined;
  beforeAll(async () => {
    hosts = await startHosts();
  }, 120_000);
  afterAll(async () => {
    await hosts?.close();
  });
  afterEach(() => {
    expect(hosts!.violations()).toEqual([]);
  });
  return new Proxy({} as FakeHosts, {
    get: (_target, property) =>
      (hosts as unknown as Record<string | symbol, unknown>)[property],
  });
}
