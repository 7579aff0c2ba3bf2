import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IHarmonixEnvironment } from '../../contract/environment';

/** One Lambda function of a serverless app and the API routes it serves. */
export interface AppFunctionOptions {
  /** Function name within the app, a DNS label (it names the function's log group). */
  readonly name: string;
  /** Handler, for example `index.handler` or `app.main`. */
  readonly handler: string;
  /**
   * The code, for example `lambda.Code.fromAsset('dist/orders')`.
   * @default - `artifactKey`; one of `code` and `artifactKey` is required
   */
  readonly code?: lambda.Code;
  /**
   * Key of a zip bundle in the environment's artifact bucket (uploaded by the pipeline).
   * @default - `code`
   */
  readonly artifactKey?: string;
  /**
   * Runtime: a Node.js or Python runtime.
   * @default - the newest Node.js runtime the app's aws-cdk-lib knows (what cdk-nag's AwsSolutions-L1 asks for;
   *   `nodejs24.x` with aws-cdk-lib 2.263)
   */
  readonly runtime?: lambda.Runtime;
  /**
   * API routes the function serves, as `METHOD /path` (`GET /orders/{id}`, `ANY /{proxy+}`).
   * @default - none (the function is not behind the API)
   */
  readonly routes?: string[];
  /**
   * Memory in MiB (128 to 10240).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout (API Gateway waits at most 30 seconds).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables of this function only.
   * @default - none
   */
  readonly environmentVariables?: { [name: string]: string };
  /**
   * Concurrent executions reserved for the function (and its ceiling).
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Executions kept initialized (billed while idle), through the alias `live`.
   * @default - none
   */
  readonly provisionedConcurrency?: number;
}

/** A custom domain for a serverless app's API. */
export interface AppCustomDomainOptions {
  /** Domain name, for example `orders.dev.example.com`. */
  readonly domainName: string;
  /** Regional certificate covering the domain name. */
  readonly certificate: acm.ICertificate;
  /**
   * Hosted zone in which to create the alias record.
   * @default - no record (create it yourself)
   */
  readonly hostedZone?: route53.IHostedZone;
}

/** Properties of a `ServerlessApplication`. */
export interface ServerlessApplicationProps {
  /** The serverless environment to deploy into, owned or imported from its descriptor. */
  readonly environment: IHarmonixEnvironment;
  /** App name, a DNS label: it names the API, log groups, SSM URL and tags. */
  readonly appName: string;
  /** The app's functions (one or more). */
  readonly functions: AppFunctionOptions[];
  /**
   * Instruction set of every function.
   * @default lambda.Architecture.ARM_64 (Graviton)
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Run the functions in the environment's VPC, with its function security group (needed to
   * reach an `AppDatabase`).
   * @default false
   */
  readonly placeInVpc?: boolean;
  /**
   * CORS of the API.
   * @default - no CORS (same-origin callers only)
   */
  readonly cors?: apigwv2.CorsPreflightOptions;
  /**
   * Steady-state requests per second the API accepts.
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the API accepts.
   * @default 50
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Authorizer of every route (JWT, Lambda or IAM).
   * @default - public routes: the app authenticates its callers itself
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Custom domain of the API (the execute-api endpoint is then turned off).
   * @default - the API's execute-api URL
   */
  readonly customDomain?: AppCustomDomainOptions;
  /**
   * Retention of function logs and API access logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}
