import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { OperationsSession } from './session';
import { awsError } from '../common/aws-session';
import { appUrlParameterName } from '../common/naming';
import { APP_TAG, ENVIRONMENT_TAG } from '../common/tags';
import { CliError, ExitCode } from '../common/user-errors';
import { isAppName } from '../common/validation';

/** A data store an app binds, as its tags find it. */
export interface BoundData {
  /** `database`, `bucket`, `queue`, `secret` or `table`. */
  readonly type: string;
  readonly name: string;
  readonly arn: string;
}

/** What one app runs in one environment, found by its tags (`harmonix:app`, `harmonix:environment`). */
export interface AppResources {
  readonly app: string;
  readonly environment: string;
  /** ECS service ARNs. */
  readonly services: string[];
  /** Lambda function ARNs. */
  readonly functions: string[];
  /** CloudWatch Logs group names. */
  readonly logGroups: string[];
  readonly data: BoundData[];
  /** The app's URL in the environment, where its stack wrote one. */
  readonly url?: string;
}

/** Data stores by the ARN's service and resource type. */
const DATA_TYPES: Array<[RegExp, string]> = [
  [/^arn:[^:]+:rds:[^:]*:\d*:cluster:/, 'database'],
  [/^arn:[^:]+:rds:[^:]*:\d*:db:/, 'database'],
  [/^arn:[^:]+:s3:::/, 'bucket'],
  [/^arn:[^:]+:sqs:/, 'queue'],
  [/^arn:[^:]+:secretsmanager:/, 'secret'],
  [/^arn:[^:]+:dynamodb:[^:]*:\d*:table\//, 'table'],
];

/** The last part of an ARN's resource: a name. */
function nameOf(arn: string): string {
  return arn.split(/[:/]/).filter(Boolean).pop() ?? arn;
}

/**
 * Finds the app's resources in the environment by their tags (the Resource Groups Tagging API, in
 * the environment's region). An app with none there is not in that environment: one sentence.
 */
export async function findApp(s: OperationsSession, app: string): Promise<AppResources> {
  if (!isAppName(app)) {
    throw new CliError(`"${app}" is not an app name: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter.`, ExitCode.USAGE);
  }
  const environment = s.descriptor.name;
  const client = new ResourceGroupsTaggingAPIClient({ region: s.aws.region, credentials: s.aws.credentials });
  const arns: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new GetResourcesCommand({
        TagFilters: [{ Key: APP_TAG, Values: [app] }, { Key: ENVIRONMENT_TAG, Values: [environment] }],
        PaginationToken: token,
      }));
      arns.push(...(page.ResourceTagMappingList ?? []).map(r => r.ResourceARN!).filter(Boolean));
      token = page.PaginationToken || undefined;
    } while (token);
  } catch (e) {
    throw awsError(e, `find the resources of app ${app} in environment ${environment}`);
  }
  if (arns.length === 0) {
    throw new CliError(`app ${app} is not in environment ${environment}: nothing in account ${s.descriptor.account}, ${s.aws.region} is tagged `
      + `${APP_TAG}=${app} and ${ENVIRONMENT_TAG}=${environment}; check the app's name, or deploy it there first.`, ExitCode.INPUT);
  }
  arns.sort();
  const data = arns.flatMap(arn => {
    const type = DATA_TYPES.find(([pattern]) => pattern.test(arn))?.[1];
    return type ? [{ type, name: nameOf(arn), arn }] : [];
  });
  return {
    app,
    environment,
    services: arns.filter(a => /^arn:[^:]+:ecs:[^:]*:\d*:service\//.test(a)),
    functions: arns.filter(a => /^arn:[^:]+:lambda:[^:]*:\d*:function:[^:]+$/.test(a)),
    logGroups: arns.filter(a => /^arn:[^:]+:logs:[^:]*:\d*:log-group:/.test(a)).map(a => a.replace(/^arn:[^:]+:logs:[^:]*:\d*:log-group:/, '').replace(/:\*$/, '')),
    data,
    url: await appUrl(s, app),
  };
}

/** The URL the app's stack wrote for the environment (`/harmonix/apps/<app>/<env>/url`); undefined when it has none. */
async function appUrl(s: OperationsSession, app: string): Promise<string | undefined> {
  const name = appUrlParameterName(app, s.descriptor.name);
  try {
    const r = await new SSMClient({ region: s.aws.region, credentials: s.aws.credentials }).send(new GetParameterCommand({ Name: name }));
    return r.Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') return undefined;
    throw awsError(e, `read the app's URL parameter ${name}`);
  }
}
