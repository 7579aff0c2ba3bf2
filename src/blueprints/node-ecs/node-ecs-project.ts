import { javascript, SampleFile, typescript } from 'projen';
import { EnvironmentKind } from '../../contract/environment';
import { HarmonixAppOptions } from '../blueprint-options';
import { readBlueprintSettings } from '../blueprint-settings';
import { addCatalogInfo } from '../catalog-info';
import { fetchDescriptorCommand } from '../environments';
import { addGitlabPipeline } from '../gitlab-pipeline';

/** Options of `harmonix-node-ecs`. */
export interface HarmonixNodeEcsProjectOptions extends typescript.TypeScriptProjectOptions, HarmonixAppOptions {}

/** Node.js image of the jobs and the container's build stage. */
const NODE_IMAGE = 'public.ecr.aws/docker/library/node:22-bookworm-slim';

/**
 * A TypeScript web service on ECS Fargate: sample code with a health endpoint and its tests, a
 * multi-stage Dockerfile, `infra/` deploying it with `EcsApplication` into the environment named
 * at deploy time, a pipeline that tests, builds the image once and deploys it through every
 * environment in stage order, and its Backstage catalog file.
 *
 * @pjid harmonix-node-ecs
 */
export class HarmonixNodeEcsProject extends typescript.TypeScriptProject {
  constructor(options: HarmonixNodeEcsProjectOptions) {
    super({
      packageManager: javascript.NodePackageManager.NPM,
      ...options,
      sampleCode: false,
      github: false,
      jest: true,
      deps: [...(options.deps ?? [])],
      devDeps: ['harmonix-cdk', 'aws-cdk-lib', 'constructs', 'aws-cdk', 'ts-node', ...(options.devDeps ?? [])],
    });
    const s = readBlueprintSettings(this, options, [EnvironmentKind.ECS]);

    new SampleFile(this, 'src/server.ts', { contents: SERVER });
    new SampleFile(this, 'test/server.test.ts', { contents: SERVER_TEST });
    new SampleFile(this, 'Dockerfile', { contents: dockerfile(s.containerPort) });
    new SampleFile(this, '.dockerignore', { contents: 'node_modules\ncdk.out\ncoverage\n.git\n.harmonix\n' });
    new SampleFile(this, 'infra/main.ts', { contents: infra(s.appName, s.containerPort, s.listenerPriority) });
    new SampleFile(this, '.harmonix/environments/README.md', {
      contents: `Descriptors of the environments this app deploys to, one file per environment:\n\n    ${fetchDescriptorCommand('<name>')}\n`,
    });
    if (s.targets.length === 0) {
      this.logger.warn(`No environment descriptor in .harmonix/environments/: the pipeline tests and builds only. Add one with \`${fetchDescriptorCommand('<name>')}\` and run \`npx projen\`.`);
    }

    addGitlabPipeline(this, {
      appName: s.appName,
      targets: s.targets,
      credentials: s.credentials,
      runnerTags: s.runnerTags,
      toolImage: NODE_IMAGE,
      testScript: ['npm ci', 'npx projen test'],
      build: {
        image: 'moby/buildkit:rootless',
        entrypoint: [''],
        script: [
          'export BUILDKITD_FLAGS=--oci-worker-no-process-sandbox',
          'buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$HARMONIX_IMAGE_REPOSITORY:$CI_COMMIT_SHA,push=true',
        ],
      },
      deployScript: t => [
        'npm ci',
        `npx cdk deploy --app "npx ts-node --prefer-ts-exts infra/main.ts" --context environment=${t.descriptor.name} --context image=$HARMONIX_IMAGE_REPOSITORY:$CI_COMMIT_SHA --require-approval never`,
      ],
    });
    addCatalogInfo(this, {
      appName: s.appName,
      description: options.description ?? `${s.appName}: a container service on Harmonix`,
      owner: s.owner,
      system: s.system,
      type: 'service',
      gitHost: s.gitHost,
      repositoryUrl: s.repositoryUrl,
      projectSlug: s.projectSlug,
      targets: s.targets,
    });
  }
}

const SERVER = `import { createServer, IncomingMessage, Server, ServerResponse } from 'http';

/** Answers the health check and a greeting. */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from harmonix\\n');
}

export function start(port = Number(process.env.PORT ?? 8080)): Server {
  return createServer(handle).listen(port);
}

if (require.main === module) {
  start();
}
`;

const SERVER_TEST = `import { AddressInfo } from 'net';
import { start } from '../src/server';

test('the health endpoint answers ok', async () => {
  const server = start(0);
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(\`http://127.0.0.1:\${port}/health\`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  } finally {
    server.close();
  }
});
`;

function dockerfile(port: number): string {
  return `# Build stage: compile the TypeScript sources.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx tsc --project tsconfig.json

# Runtime stage: production dependencies and the compiled code, as the unprivileged user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=${port}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/lib ./lib
USER node
EXPOSE ${port}
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:${port}/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "lib/server.js"]
`;
}

function infra(appName: string, port: number, priority: number): string {
  return `/**
 * Deploys ${appName} into one environment, named at deploy time, known only by its descriptor
 * (.harmonix/environments/<name>.json, the value of its SSM parameter):
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts infra/main.ts" --context environment=dev --context image=<uri>
 */
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { DescriptorDocument, EcsApplication, HarmonixEnvironment } from 'harmonix-cdk';

const app = new App();
const name = app.node.tryGetContext('environment');
const image = app.node.tryGetContext('image');
if (!name || !image) {
  throw new Error('give --context environment=<name> and --context image=<repository:tag>');
}
const descriptor = DescriptorDocument.parse(fs.readFileSync(\`.harmonix/environments/\${name}.json\`, 'utf8'), \`\${name}.json\`);
const stack = new Stack(app, \`${appName}-\${name}\`, { env: { account: descriptor.account, region: descriptor.region } });
const environment = HarmonixEnvironment.fromDescriptor(stack, 'Environment', descriptor);
// Behind the environment's shared load balancer (if it has one) on the path /${appName}.
const shared = environment.ecs?.sharedLoadBalancer !== undefined;
new EcsApplication(stack, 'App', {
  environment,
  appName: '${appName}',
  image: ecs.ContainerImage.fromRegistry(image),
  containerPort: ${port},
  healthCheckPath: '/health',
  priority: shared ? ${priority} : undefined,
  pathPatterns: shared ? ['/${appName}', '/${appName}/*'] : undefined,
});
app.synth();
`;
}
