import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AppResources, BoundData, findApp } from './app-resources';
import { OperationsSession } from './session';
import { awsError } from '../common/aws-session';

/** One deployment of an ECS service (PRIMARY is the newest). */
export interface ServiceDeployment {
  readonly status: string;
  /** `COMPLETED`, `IN_PROGRESS` or `FAILED`. */
  readonly rolloutState?: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly failedTasks: number;
  readonly taskDefinition: string;
}

/** An ECS service of the app. */
export interface ServiceStatus {
  readonly name: string;
  readonly cluster: string;
  readonly status: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly deployments: ServiceDeployment[];
  /** The images its running tasks run, with the digests ECS resolved them to. */
  readonly images: Array<{ readonly container: string; readonly image?: string; readonly digest?: string }>;
}

/** A Lambda function of the app. */
export interface FunctionStatus {
  readonly name: string;
  readonly state?: string;
  readonly lastModified?: string;
  readonly version?: string;
  /** Reserved concurrency; 0 means stopped. Undefined: the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly stopped: boolean;
}

/** Where an app stands in one environment. */
export interface AppStatus {
  readonly app: string;
  readonly environment: string;
  readonly kind: string;
  readonly stage: number;
  readonly url?: string;
  readonly services: ServiceStatus[];
  readonly functions: FunctionStatus[];
  readonly data: BoundData[];
  readonly logGroups: string[];
}

/** The app's status in the session's environment: its services, functions, URL and bound data. */
export async function appStatus(s: OperationsSession, app: string): Promise<AppStatus> {
  const resources = await findApp(s, app);
  return {
    app,
    environment: s.descriptor.name,
    kind: s.descriptor.kind,
    stage: s.descriptor.stage,
    url: resources.url,
    services: await serviceStatuses(s, resources),
    functions: await functionStatuses(s, resources),
    data: resources.data,
    logGroups: resources.logGroups,
  };
}

/** `service/<cluster>/<name>` of a service ARN. */
export function serviceParts(arn: string): { cluster: string; name: string } {
  const [, cluster, name] = arn.split(':').slice(5).join(':').split('/');
  return { cluster, name };
}

async function serviceStatuses(s: OperationsSession, r: AppResources): Promise<ServiceStatus[]> {
  const ecs = new ECSClient({ region: s.aws.region, credentials: s.aws.credentials });
  const statuses: ServiceStatus[] = [];
  for (const arn of r.services) {
    const { cluster, name } = serviceParts(arn);
    try {
      const described = await ecs.send(new DescribeServicesCommand({ cluster, services: [arn] }));
      const service = described.services?.[0];
      if (!service) continue;
      const taskArns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: name, desiredStatus: 'RUNNING' }))).taskArns ?? [];
      const tasks = taskArns.length > 0 ? (await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(0, 100) }))).tasks ?? [] : [];
      const images = new Map<string, { container: string; image?: string; digest?: string }>();
      for (const container of tasks.flatMap(t => t.containers ?? [])) {
        images.set(`${container.name}@${container.imageDigest ?? container.image}`, { container: container.name!, image: container.image, digest: container.imageDigest });
      }
      statuses.push({
        name,
        cluster,
        status: service.status ?? 'UNKNOWN',
        desired: service.desiredCount ?? 0,
        running: service.runningCount ?? 0,
        pending: service.pendingCount ?? 0,
        deployments: (service.deployments ?? []).map(d => ({
          status: d.status ?? 'UNKNOWN',
          rolloutState: d.rolloutState,
          desired: d.desiredCount ?? 0,
          running: d.runningCount ?? 0,
          pending: d.pendingCount ?? 0,
          failedTasks: d.failedTasks ?? 0,
          taskDefinition: d.taskDefinition ?? '',
        })),
        images: [...images.values()],
      });
    } catch (e) {
      throw awsError(e, `describe the ECS service ${name} of app ${r.app}`);
    }
  }
  return statuses;
}

async function functionStatuses(s: OperationsSession, r: AppResources): Promise<FunctionStatus[]> {
  const lambda = new LambdaClient({ region: s.aws.region, credentials: s.aws.credentials });
  const statuses: FunctionStatus[] = [];
  for (const arn of r.functions) {
    const name = arn.split(':').pop()!;
    try {
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: arn }));
      const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: arn }));
      const reserved = concurrency.ReservedConcurrentExecutions;
      statuses.push({
        name,
        state: fn.Configuration?.State,
        lastModified: fn.Configuration?.LastModified,
        version: fn.Configuration?.Version,
        reservedConcurrency: reserved,
        stopped: reserved === 0,
      });
    } catch (e) {
      throw awsError(e, `read the Lambda function ${name} of app ${r.app}`);
    }
  }
  return statuses;
}
