import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderValue } from '../fixtures/iam';
import { imageFacts } from '../fixtures/images';
import { pythonTool } from '../fixtures/python-tools';

const root = path.join(__dirname, '..', '..');

describe('examples/environments.ts', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-example-'));
  const tsNode = path.join(root, 'node_modules', '.bin', 'ts-node');

  beforeAll(() => {
    // Run the example as the CDK CLI does: a child process with CDK_OUTDIR, the feature flags of
    // cdk.json and the cached context of cdk.context.json.
    const flags = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context;
    const cached = JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf8'));
    const context = JSON.stringify({ ...flags, ...cached });
    execFileSync(tsNode, ['--transpile-only', '--prefer-ts-exts', '-P', 'tsconfig.dev.json', 'examples/environments.ts'], {
      cwd: root,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: context },
      stdio: 'pipe',
    });
  }, 120_000);

  test('synthesizes an ECS, a serverless and an EKS environment stack, an app stack on two, imported, and the platform stack', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([n]) => n);
    expect(stacks.sort()).toEqual(['HarmonixEcsDev', 'HarmonixEksStaging', 'HarmonixOrdersDev', 'HarmonixOrdersStaging', 'HarmonixPlatform', 'HarmonixServerlessQa', 'HarmonixShopQa']);
    const ecs = JSON.parse(fs.readFileSync(path.join(outdir, 'HarmonixEcsDev.template.json'), 'utf8'));
    const types = Object.values<any>(ecs.Resources).map(r => r.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::ECS::Cluster', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::SSM::Parameter']));
  });

  test('every environment trusts the pipeline and Backstage roles given as context defaults', () => {
    for (const stack of ['HarmonixEcsDev', 'HarmonixServerlessQa', 'HarmonixEksStaging']) {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8'));
      const trusts = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName)
        .map(r => [r.Properties.RoleName, r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS]);
      // dev's provisioning role trusts the orders pipeline's deploy role for dev as well.
      expect(trusts.map(t => [t[1]].flat()).sort()).toEqual([
        ['arn:aws:iam::222222222222:role/harmonix-backstage-task'],
        ['arn:aws:iam::222222222222:role/harmonix-gitlab-runner', ...(stack === 'HarmonixEcsDev' ? ['arn:aws:iam::222222222222:role/harmonix-orders-deploy-dev'] : [])],
      ]);
    }
  });

  test('the platform delivers the orders app through its pipeline: built once, dev, then qa of the QA account behind an approval', () => {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'HarmonixPlatform.template.json'), 'utf8'));
    const of = (type: string) => Object.values<any>(template.Resources).filter(r => r.Type === type).map(r => r.Properties);
    const [pipeline] = of('AWS::CodePipeline::Pipeline');
    expect(pipeline.PipelineType).toBe('V2');
    expect(pipeline.Stages.map((s: any) => `${s.Name}: ${s.Actions.map((a: any) => a.Name).join(', ')}`)).toEqual([
      'Source: Source', 'Build: Build', 'Deploy-dev: Deploy', 'Deploy-qa: Approve, Deploy',
    ]);
    const assumed = of('AWS::IAM::Policy').flatMap(p => p.PolicyDocument.Statement).filter((st: any) => st.Action === 'sts:AssumeRole').map((st: any) => st.Resource);
    expect(assumed).toEqual(expect.arrayContaining([
      'arn:aws:iam::111111111111:role/harmonix-dev-provisioning', 'arn:aws:iam::333333333333:role/harmonix-qa-provisioning',
    ]));
    // One image repository for the app: the pipeline's, which the runners push to as well.
    expect(of('AWS::ECR::Repository').filter(r => r.RepositoryName === 'orders')).toHaveLength(1);
  });

  const read = (name: string) => ({
    descriptor: JSON.parse(fs.readFileSync(path.join(root, 'examples', 'descriptors', `${name}.json`), 'utf8')),
    ofType: (stack: string, type: string) => Object.values<any>(JSON.parse(fs.readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8')).Resources)
      .filter(r => r.Type === type).map(r => r.Properties),
  });

  test('the orders app routes from the shared listener, registers in the namespace and reaches its database, all from the descriptor', () => {
    const { descriptor, ofType } = read('dev');
    const of = (type: string) => ofType('HarmonixOrdersDev', type);
    expect(of('AWS::ElasticLoadBalancingV2::ListenerRule').map(p => p.ListenerArn)).toEqual([descriptor.ecs.sharedLoadBalancer.httpsListenerArn]);
    expect(of('AWS::EC2::SecurityGroupIngress').filter(p => p.FromPort === 8080).map(p => p.SourceSecurityGroupId))
      .toEqual([descriptor.ecs.sharedLoadBalancer.securityGroupId]);
    expect(of('AWS::EC2::SecurityGroupIngress').filter(p => p.FromPort === 5432)).toHaveLength(1);
    expect(of('AWS::ServiceDiscovery::Service').map(p => p.DnsConfig.NamespaceId)).toEqual([descriptor.ecs.namespaceId]);
    expect(of('AWS::ECS::Service').map(p => p.Cluster)).toEqual([descriptor.ecs.clusterName]);
    expect(of('AWS::RDS::DBCluster').map(p => p.KmsKeyId)).toEqual([descriptor.kmsKeyArn]);
    expect(of('AWS::SSM::Parameter').map(p => p.Name)).toEqual(['/harmonix/apps/orders/dev/url']);
  });

  test('the orders app on Kubernetes in staging: its objects in its namespace through the environment\'s app kubectl handler, its database open to the cluster', () => {
    const { descriptor, ofType } = read('staging');
    const of = (type: string) => ofType('HarmonixOrdersStaging', type);
    const manifests = of('Custom::AWSCDK-EKS-KubernetesResource');
    expect(manifests.map(p => p.ServiceToken)).toEqual(manifests.map(() => descriptor.eks.appKubectlServiceToken));
    const objects = manifests.map(p => JSON.parse(renderValue(p.Manifest))[0]);
    expect(objects.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'Deployment orders/orders', 'HorizontalPodAutoscaler orders/orders', 'Ingress orders/orders', 'NetworkPolicy orders/orders',
      'PodDisruptionBudget orders/orders', 'Service orders/orders',
    ]);
    expect(of('AWS::EC2::SecurityGroupIngress').filter(p => p.FromPort === 5432).map(p => p.SourceSecurityGroupId)).toEqual([descriptor.eks.clusterSecurityGroupId]);
    expect(of('AWS::IAM::Policy').map(p => p.Roles)).toEqual([[descriptor.eks.namespaces[0].roleArn.split('/').pop()]]);
    expect(of('AWS::SSM::Parameter').map(p => [p.Name, p.Value])).toEqual([['/harmonix/apps/orders/staging/url', 'https://orders.staging.example.com']]);
  });

  test('the container apps run as written: their image listens on the app port as user 1000, writes only to /tmp and answers the health path', () => {
    const ecsContainer = read('dev').ofType('HarmonixOrdersDev', 'AWS::ECS::TaskDefinition')[0].ContainerDefinitions[0];
    const ecsHealthPath = read('dev').ofType('HarmonixOrdersDev', 'AWS::ElasticLoadBalancingV2::TargetGroup')[0].HealthCheckPath;
    const deployment = read('staging').ofType('HarmonixOrdersStaging', 'Custom::AWSCDK-EKS-KubernetesResource')
      .map(p => JSON.parse(renderValue(p.Manifest))[0]).find(o => o.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    const apps = [
      {
        image: ecsContainer.Image,
        port: ecsContainer.PortMappings[0].ContainerPort,
        user: ecsContainer.User,
        readOnlyRoot: ecsContainer.ReadonlyRootFilesystem,
        writable: ecsContainer.MountPoints.map((m: any) => m.ContainerPath),
        healthPath: ecsHealthPath,
      },
      {
        image: pod.containers[0].image,
        port: pod.containers[0].ports[0].containerPort,
        user: `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`,
        readOnlyRoot: pod.containers[0].securityContext.readOnlyRootFilesystem,
        writable: pod.containers[0].volumeMounts.map((m: any) => m.mountPath),
        healthPath: pod.containers[0].readinessProbe.httpGet.path,
      },
    ];
    for (const app of apps) {
      const facts = imageFacts(app.image);
      expect([app.image, app.user, app.readOnlyRoot]).toEqual([app.image, '1000:1000', true]);
      const unwritable = facts.writesOnlyUnder.filter(p => !app.writable.includes(p));
      const healthy = facts.answers200On.includes(app.healthPath);
      expect({ image: app.image, port: facts.listensOn, nonRoot: facts.runsAsAnyNonRootUser, writes: unwritable, health: healthy })
        .toEqual({ image: app.image, port: app.port, nonRoot: true, writes: [], health: true });
    }
  });

  test('the shop app serves its routes from a function that reads its bucket, all under the qa key', () => {
    const { descriptor, ofType } = read('qa');
    const of = (type: string) => ofType('HarmonixShopQa', type);
    expect(of('AWS::ApiGatewayV2::Route').map(p => p.RouteKey).sort()).toEqual(['GET /files', 'GET /health']);
    expect(of('AWS::Lambda::Function').map(p => [p.Runtime, p.Architectures, p.KmsKeyArn])).toEqual([['nodejs24.x', ['arm64'], descriptor.kmsKeyArn]]);
    expect(of('AWS::Logs::LogGroup').map(p => p.LogGroupName).sort()).toEqual(['/harmonix/qa/shop/api', '/harmonix/qa/shop/api-access']);
    const actions = of('AWS::IAM::Policy').flatMap(p => p.PolicyDocument.Statement).flatMap(st => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket']));
    expect(actions).not.toContain('s3:PutObject');
  });

  test('the CDK CLI synthesizes it quietly: every recommended feature flag set, no warning', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-cli-'));
    const cli = spawnSync(path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', out], {
      cwd: root, encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout + cli.stderr).not.toMatch(/feature flags are not configured|WARNING|deprecated/i);
    const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toMatch(/--transpile-only/);
    expect(cdkJson.context).toEqual(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8')));
  }, 120_000);

  test('cfn-lint finds no error in any template, and only the two warnings we accept for a reason', () => {
    const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).map(f => path.join(outdir, f));
    const lint = spawnSync(pythonTool('cfn-lint'), ['--format', 'json', ...templates], { encoding: 'utf8' });
    const findings: Array<{ Rule: { Id: string }; Message: string; Location: { Path: Array<string | number> } }> = JSON.parse(lint.stdout || '[]');
    expect(templates.length).toBe(7);
    const accepted = (f: typeof findings[number]) =>
      // aws-cdk-lib adds a DependsOn on a Lambda function's or a pipeline's role that its GetAtt already implies.
      (f.Rule.Id === 'W3005' && /dependency already enforced by a 'GetAtt' at 'Resources\/.*\/Properties\/Role(Arn)?'/.test(f.Message))
      // aws-eks-v2 makes the cluster depend on the subnets it also names.
      || (f.Rule.Id === 'W3005' && /dependency already enforced by a 'Ref' at 'Resources\/\w+Cluster\w+\/Properties\/ResourcesVpcConfig\/SubnetIds/.test(f.Message))
      // ec2.Vpc names each subnet's zone from cdk.context.json, so subnets never move (the same
      // acceptance the environment records for aws-cdk-lib's own validation).
      || (f.Rule.Id === 'W3010' && /Subnet/.test(String(f.Location.Path[1])) && f.Location.Path[3] === 'AvailabilityZone');
    expect(findings.filter(f => !accepted(f)).map(f => `${f.Rule.Id} ${f.Message} at ${f.Location.Path.join('/')}`)).toEqual([]);
  }, 300_000);

  test('checkov finds nothing but the findings we accept, each for a reason', () => {
    const accepted: Array<[string, RegExp, string]> = [
      ['CKV_AWS_116', /AWS::Lambda::Function\.(\w+AuditWriterFunction|CustomVpcRestrictDefaultSG|ShopapiFunction|AWS679f53fac002430cb0da5b7982bd2287)/,
        'a dead-letter queue only serves asynchronous invocations; the audit writer and the app\'s API function are called synchronously, the provider by CloudFormation'],
      ['CKV_AWS_117', /AWS::Lambda::Function\.(\w+AuditWriterFunction|CustomVpcRestrictDefaultSG|ShopapiFunction|AWS679f53fac002430cb0da5b7982bd2287)/,
        'they reach only AWS APIs; a VPC would add a NAT hop and cost, no protection (apps that reach a database choose placeInVpc)'],
      ['CKV_AWS_115', /AWS::Lambda::Function\.(\w+AuditWriterFunction|CustomVpcRestrictDefaultSG|ShopapiFunction|AWS679f53fac002430cb0da5b7982bd2287)/,
        'reserved concurrency fails to deploy in new accounts, whose limit is 10 (apps set reservedConcurrency when they need it)'],
      ['CKV_AWS_118', /AWS::RDS::DBInstance\.(OrdersDbClusterWriter|BackstageDatabaseWriter)/,
        'enhanced monitoring runs an OS agent with a role carrying an AWS managed policy; a database that pauses when idle keeps the standard CloudWatch metrics'],
      ['CKV_AWS_18', /AWS::S3::Bucket\.\w*(AccessLogs|FlowLogBucket)/, 'buckets that only receive logs; logging their access would log the log writes'],
      ['CKV_AWS_21', /AWS::S3::Bucket\.\w*(AccessLogs|FlowLogBucket)/, 'log objects are written once and expire; versions would only add storage'],
      ['CKV_AWS_65', /AWS::ECS::Cluster\.(DevCluster|BackstageCluster)/, 'Container Insights is off below stage 3 (and for the portal) to keep idle cost low'],
      ['CKV_AWS_260', /AWS::EC2::SecurityGroup\.(DevLoadBalancerSecurityGroup|BackstageLoadBalancerSecurityGroup)/, 'port 80 of the public load balancers only redirects to 443'],
      ['CKV_AWS_111', /AWS::IAM::ManagedPolicy\.(Dev|Qa|Staging)AppBoundary/,
        'a permissions boundary grants nothing: it caps app roles, whose own policies name their resources (the calls it leaves open on * have no resource-level permissions)'],
      // aws-eks-v2's kubectl handlers and their providers: the cluster's (namespaces, ingress class) and the apps'.
      ...(['CKV_AWS_116', 'CKV_AWS_115', 'CKV_AWS_173'].map(id => [id, /AWS::Lambda::Function\.Staging(Cluster|App)KubectlProvider(Handler|frameworkonEvent)/,
        'aws-eks-v2\'s kubectl handlers: called synchronously by CloudFormation (no queue to dead-letter), rarely and one at a time, with no secret in their variables (cluster name and role)'] as [string, RegExp, string])),
      ['CKV_AWS_33', /AWS::KMS::Key\.GitlabRunnerKey/,
        'the "*" principal is narrowed by aws:PrincipalArn to EC2 Auto Scaling\'s service-linked role of this account, which may not exist yet when the key is created (naming it as principal would then fail)'],
      ['CKV_AWS_18', /AWS::S3::Bucket\.GitlabRunnerCache/, 'the runner\'s cache archives, signed for jobs by gitlab-runner and expiring after days; CloudTrail data events can record access'],
      ['CKV_AWS_21', /AWS::S3::Bucket\.GitlabRunnerCache/, 'cache archives are rebuilt by the next job; versions would only keep stale archives'],
      ['CKV_AWS_111', /AWS::IAM::Policy\.GitlabRunnerManagerRoleDefaultPolicy/,
        'the only writes on "*" are Session Manager\'s instance actions (ssm:UpdateInstanceInformation, ssmmessages:*Channel), which have no resource-level permissions'],
      ['CKV_AWS_88', /AWS::EC2::Instance\.(Dev|Staging)VpcpublicSubnet\d+NatInstance/,
        'a NAT instance (the non-production environments\' cheap way out) forwards the VPC\'s traffic to the internet with its public address; only the VPC may reach it'],
      ['CKV_AWS_136', /AWS::ECR::Repository\.OrdersRepository/,
        'images are pulled from the environments\' accounts: ECR\'s default AES-256 encryption at rest needs no key policy for each of them (a customer-managed key would)'],
    ];
    const run = spawnSync(pythonTool('checkov'), ['-d', outdir, '--framework', 'cloudformation', '--quiet', '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const reports = [JSON.parse(run.stdout)].flat();
    const failed: string[] = reports.flatMap((r: any) => r.results.failed_checks.map((f: any) => `${f.check_id} ${f.resource}`));
    const passed = reports.reduce((n: number, r: any) => n + r.summary.passed, 0);
    expect(passed).toBeGreaterThan(100);
    expect(failed.filter(f => !accepted.some(([id, resource]) => f.startsWith(`${id} `) && resource.test(f)))).toEqual([]);
  }, 300_000);

  test('the summary reports a clean cdk-nag run', () => {
    const summary = execFileSync(tsNode, ['--transpile-only', '-P', 'tsconfig.dev.json', 'examples/summarize.ts', outdir], { cwd: root, encoding: 'utf8' });
    expect(summary).toMatch(/HarmonixEcsDev: \d+ resources/);
    expect(summary).toMatch(/cdk-nag AwsSolutions: passed, 0 unsuppressed errors, 0 unsuppressed warnings/);
  });
});
