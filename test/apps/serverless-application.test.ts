import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  AppBucket, AppDatabase, AppFunctionOptions, AppQueue, AppSecret, ServerlessApplication, ServerlessApplicationProps,
} from '../../src';
import { CERTIFICATE_ARN } from '../fixtures/app';
import { AppTarget, importedEcs, importedServerless, SERVERLESS_TARGETS } from '../fixtures/app-environments';
import { actionsOf, allIdentityStatements } from '../fixtures/iam';
import { nagFindings } from '../fixtures/nag';

const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });');
const API: AppFunctionOptions = { name: 'api', handler: 'index.handler', code: CODE, routes: ['GET /orders', 'POST /orders', 'GET /orders/{id}'] };

function shop(target: AppTarget, props: Partial<ServerlessApplicationProps> = {}): ServerlessApplication {
  return new ServerlessApplication(target.stack, 'Shop', { environment: target.env, appName: 'shop', functions: [API], ...props });
}

const tagged = Match.arrayWith([{ Key: 'harmonix:app', Value: 'shop' }, { Key: 'harmonix:environment', Value: 'dev' }]);

describe.each(SERVERLESS_TARGETS)('ServerlessApplication on a serverless environment: $name', ({ target, vpc }) => {
  const t = target();
  const app = shop(t, { placeInVpc: vpc });
  const template = Template.fromStack(t.stack);

  test('functions: Node.js on Graviton, traced, JSON logs under the environment prefix, variables encrypted with the environment key', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      KmsKeyArn: t.stack.resolve(t.env.kmsKey.keyArn),
      Tags: tagged,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/harmonix/dev/shop/api', RetentionInDays: 30, KmsKeyId: t.stack.resolve(t.env.kmsKey.keyArn) });
  });

  test('one HTTP API: every route to its function, $default stage with access logs and throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'harmonix-dev-shop', ProtocolType: 'HTTP' });
    for (const key of API.routes!) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/harmonix/dev/shop/api-access' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
  });

  test(vpc ? 'in the VPC: private subnets, the environment\'s function security group, untouched' : 'outside any VPC', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Handler === 'index.handler')!;
    if (vpc) {
      expect(t.stack.resolve(fn.Properties.VpcConfig)).toEqual({
        SecurityGroupIds: [t.stack.resolve(t.env.serverless!.functionSecurityGroup!.securityGroupId)],
        SubnetIds: t.stack.resolve(t.env.vpc!.privateSubnets.map(s => s.subnetId)),
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    } else {
      expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(app.connections).toBeUndefined();
    }
  });

  test('the URL as an output and at /harmonix/apps/shop/dev/url', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/apps/shop/dev/url' });
    const url = { 'Fn::Join': ['', ['https://', { Ref: t.stack.getLogicalId(app.api.node.defaultChild as any) }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] };
    expect(t.stack.resolve(app.url)).toEqual(url);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/harmonix/apps/shop/dev/url', Value: url });
    expect(Object.values(template.toJSON().Outputs).some((o: any) => JSON.stringify(o.Value) === JSON.stringify(url))).toBe(true);
  });

  test('cdk-nag AwsSolutionsChecks: zero unsuppressed errors and warnings', () => {
    const n = target();
    shop(n, { placeInVpc: vpc });
    expect(nagFindings(n.app)).toEqual([]);
  });
});

describe('ServerlessApplication choices', () => {
  test('Python from a bundle in the artifact bucket, reserved and provisioned concurrency, CORS, throttling, custom domain with alias', () => {
    const t = importedServerless();
    const zone = route53.HostedZone.fromHostedZoneAttributes(t.stack, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'dev.example.com' });
    shop(t, {
      functions: [
        { name: 'api', handler: 'app.main', runtime: lambda.Runtime.PYTHON_3_14, artifactKey: 'shop/4f2a9c1.zip', routes: ['ANY /{proxy+}'], reservedConcurrency: 20, provisionedConcurrency: 2, memorySize: 1024, timeout: Duration.seconds(29) },
        { name: 'worker', handler: 'index.handler', code: CODE, environmentVariables: { MODE: 'batch' } },
      ],
      cors: { allowOrigins: ['https://shop.dev.example.com'], allowMethods: [apigwv2.CorsHttpMethod.GET] },
      throttlingRateLimit: 500,
      throttlingBurstLimit: 200,
      customDomain: { domainName: 'shop.dev.example.com', certificate: acm.Certificate.fromCertificateArn(t.stack, 'Cert', 'arn:aws:acm:eu-west-1:111111111111:certificate/1'), hostedZone: zone },
    });
    const template = Template.fromStack(t.stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'python3.14',
      Handler: 'app.main',
      MemorySize: 1024,
      ReservedConcurrentExecutions: 20,
      Code: { S3Bucket: t.env.serverless!.artifactBucket.bucketName, S3Key: 'shop/4f2a9c1.zip' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { MODE: 'batch' } } });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { Ref: Match.stringLikeRegexp('^ShopapiLive') } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://shop.dev.example.com'], AllowMethods: ['GET'] },
      DisableExecuteApiEndpoint: true,
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 200 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'shop.dev.example.com', DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2' })] });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'shop.dev.example.com.', Type: 'A', HostedZoneId: 'Z123EXAMPLE' });
    template.hasResourceProperties('AWS::SSM::Parameter', { Value: 'https://shop.dev.example.com' });
  });

  test('an authorizer guards every route', () => {
    const t = importedServerless();
    const { HttpIamAuthorizer } = jest.requireActual('aws-cdk-lib/aws-apigatewayv2-authorizers');
    shop(t, { authorizer: new HttpIamAuthorizer() });
    const template = Template.fromStack(t.stack);
    for (const key of API.routes!) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'AWS_IAM' });
    }
  });

  test('no action with a wildcard in any policy, every kind of data bound', () => {
    const t = importedServerless();
    const app = shop(t, { placeInVpc: true });
    app.bind(new AppBucket(t.stack, 'Files', { environment: t.env }));
    app.bind(new AppDatabase(t.stack, 'Db', { environment: t.env }));
    app.bind(new AppQueue(t.stack, 'Jobs', { environment: t.env }));
    app.bind(new AppSecret(t.stack, 'Key', { environment: t.env }));
    expect(allIdentityStatements(Template.fromStack(t.stack)).flatMap(actionsOf).filter(a => a.includes('*'))).toEqual([]);
  });
});

describe('ServerlessApplication refuses bad input with one sentence', () => {
  const make = (props: Partial<ServerlessApplicationProps>, target = importedServerless) => () => shop(target(), props);
  const fn = (options: Partial<AppFunctionOptions>) => ({ functions: [{ ...API, ...options }] });

  test.each([
    ['an ECS environment', make({}, importedEcs), /AppStack\/Shop: invalid `environment`: environment dev is a ECS environment; ServerlessApplication deploys into SERVERLESS environments only/],
    ['no function', make({ functions: [] }), /invalid `functions`: must hold at least one function/],
    ['a runtime that is neither Node.js nor Python', make(fn({ runtime: lambda.Runtime.JAVA_21 })), /invalid `functions\[api\].runtime`: java21 is not a Node.js or Python runtime/],
    ['a route that is not METHOD /path', make(fn({ routes: ['orders'] })), /invalid `functions\[api\].routes`: "orders" is not a route such as "GET \/orders\/\{id\}"/],
    ['both code and artifact key', make(fn({ artifactKey: 'a.zip' })), /invalid `functions\[api\].code`: give exactly one of `code`/],
    ['two functions of one name', make({ functions: [API, API] }), /invalid `functions\[api\].name`: "api" is used twice/],
    ['a timeout API Gateway does not wait for', make(fn({ timeout: Duration.seconds(60) })), /60 seconds is longer than API Gateway waits/],
    ['a VPC the environment does not have', () => {
      const { SERVERLESS_TARGETS: targets } = jest.requireActual('../fixtures/app-environments');
      return shop(targets[2].target(), { placeInVpc: true });
    }, /invalid `placeInVpc`: environment dev has no VPC/],
    ['a throttle out of range', make({ throttlingRateLimit: 0 }), /invalid `throttlingRateLimit`: 0 is out of range/],
    ['a handler without its function', make(fn({ handler: 'index' })), /AppStack\/Shop: invalid `functions\[api\].handler`: "index" is not a handler: give the file \(or module\) and the function/],
    ['one route for two functions', make({ functions: [{ ...API, routes: ['GET /orders'] }, { ...API, name: 'other', routes: ['GET /orders'] }] }),
      /AppStack\/Shop: invalid `functions\[other\].routes`: "GET \/orders" is already routed to function api; give each route to one function/],
    ['a runtime Lambda no longer creates', make(fn({ runtime: lambda.Runtime.NODEJS_18_X })), /invalid `functions\[api\].runtime`: nodejs18.x is a runtime Lambda no longer creates functions with/],
    ['Python 3.9', make(fn({ runtime: lambda.Runtime.PYTHON_3_9 })), /invalid `functions\[api\].runtime`: python3.9 is a runtime Lambda no longer creates/],
    ['more provisioned than reserved executions', make(fn({ reservedConcurrency: 2, provisionedConcurrency: 5 })),
      /AppStack\/Shop: invalid `functions\[api\].provisionedConcurrency`: 5 is above reservedConcurrency 2/],
    ['a variable Lambda reserves', make(fn({ environmentVariables: { AWS_REGION: 'eu-west-1' } })),
      /invalid `functions\[api\].environmentVariables.AWS_REGION`: is a variable Lambda sets itself/],
    ['a variable name Lambda refuses', make(fn({ environmentVariables: { 'my-setting': 'x' } })), /invalid `functions\[api\].environmentVariables.my-setting`: "my-setting" is not an environment variable name/],
    ['a timeout above 15 minutes', make(fn({ routes: undefined, timeout: Duration.minutes(16) })), /invalid `functions\[api\].timeout`: 16 minutes is out of range for a Lambda function; give whole seconds from 1 to 900/],
    ['a custom domain outside its hosted zone', () => {
      const t = importedServerless();
      return shop(t, {
        customDomain: {
          domainName: 'shop.example.org',
          certificate: acm.Certificate.fromCertificateArn(t.stack, 'Cert', CERTIFICATE_ARN),
          hostedZone: route53.HostedZone.fromHostedZoneAttributes(t.stack, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' }),
        },
      });
    }, /AppStack\/Shop: invalid `customDomain.domainName`: "shop.example.org" is outside the hosted zone example.com/],
  ])('%s', (_case, build, message) => {
    expect(build).toThrow(message);
  });
});
