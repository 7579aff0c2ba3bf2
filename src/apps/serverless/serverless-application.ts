import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppCustomDomainOptions, AppFunctionOptions, ServerlessApplicationProps } from './serverless-application-props';
import { propError } from '../../common/errors';
import { latestRuntime } from '../../common/lambda-runtime';
import { acceptFindings } from '../../common/nag';
import { validateAppName, validateIntegerRange, validateSeconds, validateVariableName } from '../../common/validation';
import { validateDomainName } from '../../common/web-names';
import { EnvironmentKind, IHarmonixEnvironment } from '../../contract/environment';
import {
  AppBindings, checkAppPlacement, createAppLogGroup, environmentKey, handSecretReference, prepareAppStack, publishAppUrl, tagApp,
} from '../app-commons';
import { BindOptions, IApplication, IAppResource } from '../application';

const HTTP_METHODS = Object.values(apigwv2.HttpMethod) as string[];

/** The fields of each API access log line (HTTP API context variables). */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
});

/**
 * A serverless app in a Harmonix serverless environment, owned or imported from its
 * descriptor: Lambda functions (Node.js or Python, Graviton, X-Ray tracing, logs under the
 * environment's prefix, encrypted with its key) from an asset or a bundle in the environment's
 * artifact bucket, behind one HTTP API with access logs, throttling, optional CORS, authorizer
 * and custom domain. All functions share one role: what bindings grant.
 */
export class ServerlessApplication extends Construct implements IApplication {
  public readonly appName: string;
  public readonly environment: IHarmonixEnvironment;
  public readonly url: string;
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly connections?: ec2.Connections;
  /** The functions' role. */
  public readonly role: iam.Role;
  /** The HTTP API. */
  public readonly api: apigwv2.HttpApi;
  /** The API's `$default` stage. */
  public readonly stage: apigwv2.HttpStage;
  /** The SSM parameter `/harmonix/apps/<app>/<environment>/url`. */
  public readonly urlParameter: ssm.StringParameter;
  private readonly functionsByName = new Map<string, lambda.Function>();
  /** Which function each route (method and path) goes to. */
  private readonly routeHolders = new Map<string, string>();
  private readonly bindings: AppBindings;

  constructor(scope: Construct, id: string, props: ServerlessApplicationProps) {
    super(scope, id);
    const env = props.environment;
    checkAppPlacement(this, props.appName, env, EnvironmentKind.SERVERLESS, env.serverless !== undefined);
    this.appName = props.appName;
    this.environment = env;
    this.bindings = new AppBindings(this);
    if (props.functions.length === 0) {
      throw propError(this, 'functions', 'must hold at least one function.');
    }
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `harmonix app ${this.appName} in ${env.environmentName}: its functions`,
    });
    this.grantPrincipal = this.role;
    acceptFindings(this.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace writes (tracing is on), and the network interfaces Lambda manages for VPC functions, have no resource-level permissions.',
    });
    this.connections = props.placeInVpc ? this.vpcConnections() : undefined;

    const rateLimit = validateIntegerRange(this, 'throttlingRateLimit', props.throttlingRateLimit ?? 100, 1, 10000);
    const burstLimit = validateIntegerRange(this, 'throttlingBurstLimit', props.throttlingBurstLimit ?? 50, 1, 5000);
    const domain = props.customDomain && this.customDomain(props.customDomain);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `harmonix-${env.environmentName}-${this.appName}`,
      description: `harmonix app ${this.appName} in ${env.environmentName}`,
      corsPreflight: props.cors,
      createDefaultStage: false,
      disableExecuteApiEndpoint: domain !== undefined,
    });
    const accessLogs = createAppLogGroup(this, 'ApiAccessLogs', env, `${this.appName}/api-access`, retention);
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
      domainMapping: domain && { domainName: domain },
    });

    for (const options of props.functions) {
      this.addFunction(options, props, retention);
    }
    this.url = props.customDomain ? `https://${props.customDomain.domainName}` : Fn.join('', ['https://', this.api.apiId, '.execute-api.', env.region, '.', Stack.of(this).urlSuffix]);
    this.urlParameter = publishAppUrl(this, this.appName, env, this.url);
    tagApp(this, this.appName, env);
    prepareAppStack(this, env);
  }

  /** The app's functions by name. */
  public functionNamed(name: string): lambda.Function {
    const fn = this.functionsByName.get(name);
    if (!fn) {
      throw propError(this, 'function', `app ${this.appName} has no function "${name}" (it has ${[...this.functionsByName.keys()].join(', ')}).`);
    }
    return fn;
  }

  public addEnvironment(name: string, value: string): void {
    this.bindings.claimVariable(name, 'addEnvironment');
    for (const fn of this.functionsByName.values()) fn.addEnvironment(name, value);
  }

  public addSecret(name: string, secret: secretsmanager.ISecret, field?: string): void {
    handSecretReference(this, name, secret, field);
  }

  public bind(resource: IAppResource, options?: BindOptions): void {
    this.bindings.bind(resource, options);
  }

  private addFunction(options: AppFunctionOptions, props: ServerlessApplicationProps, retention: logs.RetentionDays): void {
    const where = `functions[${options.name}]`;
    validateAppName(this, `${where}.name`, options.name);
    if (this.functionsByName.has(options.name)) {
      throw propError(this, `${where}.name`, `"${options.name}" is used twice; function names are unique within an app.`);
    }
    const runtime = options.runtime ?? latestRuntime('nodejs');
    if (runtime.family !== lambda.RuntimeFamily.NODEJS && runtime.family !== lambda.RuntimeFamily.PYTHON) {
      throw propError(this, `${where}.runtime`, `${runtime.name} is not a Node.js or Python runtime.`);
    }
    checkRuntimeCreatable(this, `${where}.runtime`, runtime);
    if (!Token.isUnresolved(options.handler) && !/^[\w./-]+\.[\w$]+$/.test(options.handler)) {
      throw propError(this, `${where}.handler`, `"${options.handler}" is not a handler: give the file (or module) and the function, such as "index.handler" or "app.main".`);
    }
    validateIntegerRange(this, `${where}.memorySize`, options.memorySize ?? 256, 128, 10240);
    const timeout = Duration.seconds(validateSeconds(this, `${where}.timeout`, options.timeout ?? Duration.seconds(10), 1, 900, 'a Lambda function'));
    checkVariableNames(this, `${where}.environmentVariables`, options.environmentVariables ?? {});
    if (options.provisionedConcurrency !== undefined && options.reservedConcurrency !== undefined
      && !Token.isUnresolved(options.provisionedConcurrency) && !Token.isUnresolved(options.reservedConcurrency)
      && options.provisionedConcurrency > options.reservedConcurrency) {
      throw propError(this, `${where}.provisionedConcurrency`,
        `${options.provisionedConcurrency} is above reservedConcurrency ${options.reservedConcurrency}: Lambda keeps at most the reserved executions warm; raise the reservation or lower the provisioned count.`);
    }
    if (options.routes?.length && timeout.toSeconds() > 30) {
      throw propError(this, `${where}.timeout`, `${timeout.toSeconds()} seconds is longer than API Gateway waits (30 seconds) for a function behind routes.`);
    }
    const env = this.environment;
    const logGroup = createAppLogGroup(this, `${options.name}Logs`, env, `${this.appName}/${options.name}`, retention);
    const fn = new lambda.Function(this, `${options.name}Function`, {
      description: `harmonix app ${this.appName} in ${env.environmentName}: ${options.name}`,
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      handler: options.handler,
      code: this.functionCode(where, options),
      memorySize: options.memorySize ?? 256,
      timeout,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...options.environmentVariables },
      environmentEncryption: environmentKey(this, env),
      reservedConcurrentExecutions: options.reservedConcurrency === undefined ? undefined
        : validateIntegerRange(this, `${where}.reservedConcurrency`, options.reservedConcurrency, 1, 10000),
      ...(props.placeInVpc ? {
        vpc: env.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: this.connections!.securityGroups,
      } : {}),
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn],
    }));
    this.functionsByName.set(options.name, fn);
    for (const name of Object.keys(options.environmentVariables ?? {})) {
      this.bindings.claimVariable(name, `function ${options.name}`);
    }
    let target: lambda.IFunction = fn;
    if (options.provisionedConcurrency !== undefined) {
      target = new lambda.Alias(this, `${options.name}Live`, {
        aliasName: 'live',
        version: fn.currentVersion,
        provisionedConcurrentExecutions: validateIntegerRange(this, `${where}.provisionedConcurrency`, options.provisionedConcurrency, 1, 10000),
      });
    }
    if (options.routes?.length) {
      const integration = new integrations.HttpLambdaIntegration(`${options.name}Integration`, target);
      for (const routeKey of options.routes) {
        const [method, path] = parseRouteKey(this, `${where}.routes`, routeKey);
        const holder = this.routeHolders.get(`${method} ${path}`);
        if (holder) {
          throw propError(this, `${where}.routes`, `"${routeKey}" is already routed to function ${holder}; give each route to one function.`);
        }
        this.routeHolders.set(`${method} ${path}`, options.name);
        const routes = this.api.addRoutes({ path, methods: [method], integration, authorizer: props.authorizer });
        if (!props.authorizer) {
          routes.forEach(route => acceptFindings(route, {
            id: 'AwsSolutions-APIG4',
            reason: `The app declares ${routeKey} public (no authorizer given); it authenticates its callers itself, as a public web API does.`,
          }));
        }
      }
    }
  }

  private functionCode(where: string, options: AppFunctionOptions): lambda.Code {
    if ((options.code === undefined) === (options.artifactKey === undefined)) {
      throw propError(this, `${where}.code`, 'give exactly one of `code` (an asset) and `artifactKey` (a bundle in the environment\'s artifact bucket).');
    }
    return options.code ?? lambda.Code.fromBucketV2(this.environment.serverless!.artifactBucket, options.artifactKey!);
  }

  /** The environment's function security group, as a view this app does not modify. */
  private vpcConnections(): ec2.Connections {
    const group = this.environment.serverless!.functionSecurityGroup;
    if (!this.environment.vpc || !group) {
      throw propError(this, 'placeInVpc', `environment ${this.environment.environmentName} has no VPC; create it with one, or leave the app outside.`);
    }
    const view = ec2.SecurityGroup.fromSecurityGroupId(this, 'FunctionSecurityGroup', group.securityGroupId, { mutable: false });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
    }));
    return new ec2.Connections({ securityGroups: [view] });
  }

  private customDomain(options: AppCustomDomainOptions): apigwv2.DomainName {
    validateDomainName(this, 'customDomain.domainName', options.domainName, options.hostedZone?.zoneName);
    const domain = new apigwv2.DomainName(this, 'Domain', {
      domainName: options.domainName,
      certificate: options.certificate,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    if (options.hostedZone) {
      new route53.ARecord(this, 'DomainAlias', {
        zone: options.hostedZone,
        recordName: options.domainName,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId)),
      });
    }
    return domain;
  }
}

/** `GET /orders/{id}` as method and path. */
function parseRouteKey(scope: Construct, prop: string, routeKey: string): [apigwv2.HttpMethod, string] {
  const match = /^([A-Z]+) (\/[^\s]*)$/.exec(routeKey);
  if (!match || !HTTP_METHODS.includes(match[1]) || Token.isUnresolved(routeKey)) {
    throw propError(scope, prop, `"${routeKey}" is not a route such as "GET /orders/{id}" or "ANY /{proxy+}" (methods: ${HTTP_METHODS.join(', ')}).`);
  }
  return [match[1] as apigwv2.HttpMethod, match[2]];
}

/**
 * Runtimes Lambda no longer creates functions with (its deprecation schedule): Node.js 18 and
 * older, Python 3.9 and older. A stack that names one fails at deployment.
 */
function checkRuntimeCreatable(scope: Construct, prop: string, runtime: lambda.Runtime): void {
  const node = /^nodejs(\d+)\.x$/.exec(runtime.name);
  const python = /^python3\.(\d+)$/.exec(runtime.name);
  if ((node && Number(node[1]) < 20) || (python && Number(python[1]) < 10)) {
    throw propError(scope, prop, `${runtime.name} is a runtime Lambda no longer creates functions with; use a supported one, such as lambda.Runtime.NODEJS_24_X or lambda.Runtime.PYTHON_3_14.`);
  }
}

/** Variables Lambda sets itself and refuses in a function's configuration. */
const RESERVED_VARIABLES = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR']);

/** Variable names of a function: the form every runtime takes, and none Lambda reserves. */
function checkVariableNames(scope: Construct, prop: string, variables: { [name: string]: string }): void {
  for (const name of Object.keys(variables)) {
    validateVariableName(scope, `${prop}.${name}`, name);
    if (RESERVED_VARIABLES.has(name)) {
      throw propError(scope, `${prop}.${name}`, 'is a variable Lambda sets itself (a reserved name); give the app\'s setting another name.');
    }
  }
}
