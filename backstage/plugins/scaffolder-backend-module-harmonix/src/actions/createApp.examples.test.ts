import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import yaml from 'yaml';
import { createHarmonixCreateAppAction, readSettings } from './createApp';
import { examples } from './createApp.examples';
import { catalogFixtures, useFakeHosts } from '../testing/hosts';

/**
 * Each example Backstage shows on its actions page runs as written: gitlab.com and github.com are
 * the local GitLab and GitHub (integrations of those names pointing at them), the environments
 * those of the catalog, AWS moto. The repo was generated before (as a second run finds it).
 */
const hosts = useFakeHosts();

test.each(examples.map(e => [e.description, e.example]))(
  '%s',
  async (_description, example) => {
    const step = yaml.parse(example).steps[0];
    expect(step.action).toBe('harmonix:create-app');
    const config = new ConfigReader({
      ...hosts.integrationsConfig({
        as: { gitlab: 'gitlab.com', github: 'github.com' },
      }),
      harmonix: { createApp: { region: 'eu-west-1' } },
    } as JsonObject);
    const action = createHarmonixCreateAppAction({
      integrations: ScmIntegrations.fromConfig(config),
      catalog: catalogServiceMock({ entities: catalogFixtures() }),
      settings: readSettings(config),
    });
    const workspacePath = fs.mkdtempSync(
      path.join(os.tmpdir(), 'harmonix-example-'),
    );
    const repo = path.join(workspacePath, step.input.name);
    fs.mkdirSync(path.join(repo, '.projen'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.projen', 'tasks.json'), '{}\n');
    const ctx = createMockActionContext({ input: step.input, workspacePath });
    await action.handler(ctx as any);
    const host = step.input.repoUrl.startsWith('gitlab.com')
      ? hosts.gitlab.url
      : hosts.github.url;
    const owner = new URLSearchParams(step.input.repoUrl.split('?')[1]).get(
      'owner',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'remoteUrl',
      `${host}/${owner}/${step.input.name}`,
    );
  },
);
