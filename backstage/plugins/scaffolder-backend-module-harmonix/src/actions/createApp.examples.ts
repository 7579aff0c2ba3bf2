import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** The examples Backstage shows on its actions page (each run by createApp.examples.test.ts). */
export const examples: TemplateExample[] = [
  {
    description:
      "A Node.js service on gitlab.com, deployed to dev and then prod (the order and approval are the environments' own)",
    example: yaml.stringify({
      steps: [
        {
          id: 'create-app',
          action: 'harmonix:create-app',
          name: 'Create the repository with its pipeline',
          input: {
            blueprint: 'harmonix-node-service',
            name: 'orders',
            owner: 'group:default/shop',
            environments: ['resource:default/dev', 'resource:default/prod'],
            repoUrl: 'gitlab.com?owner=shop/apps&repo=orders',
          },
        },
      ],
    }),
  },
  {
    description:
      'A Python service on GitHub in a system, on an EKS environment, in a namespace of its own',
    example: yaml.stringify({
      steps: [
        {
          id: 'create-app',
          action: 'harmonix:create-app',
          name: 'Create the repository with its pipeline',
          input: {
            blueprint: 'harmonix-python-service',
            name: 'stock',
            owner: 'group:default/warehouse',
            system: 'system:default/logistics',
            environments: ['resource:default/staging'],
            repoUrl: 'github.com?owner=acme&repo=stock',
            options: { eksNamespace: 'warehouse', runnerTags: ['small'] },
          },
        },
      ],
    }),
  },
];
