import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as YAML from 'yaml';
import { AppBuild, AppPipeline, EcsEnvironment, PipelineSource } from '../../src';
import { actionsOf, renderValue, roleStatements } from '../fixtures/iam';
import { decide } from '../fixtures/iam-proof';
import { nagFindings } from '../fixtures/nag';
import { CONNECTION_ARN, EnvironmentSpec, PLATFORM_ENV, pipelineStack } from '../fixtures/pipelines';

const DEV: EnvironmentSpec = { kind: 'ECS', name: 'dev', stage: 1 };
const QA: EnvironmentSpec = { kind: 'ECS', name: 'qa', stage: 2, requireApproval: true, account: '333333333333' };
const PROD: EnvironmentSpec = { kind: 'ECS', name: 'prod', stage: 3, requireApproval: true, account: '444444444444' };

const resources = (t: Template, type: string) => Object.values<any>(t.findResources(type));
const pipelineOf = (t: Template) => resources(t, 'AWS::CodePipeline::Pipeline')[0].Properties;
const stagesOf = (t: Template) => pipelineOf(t).Stages.map((s: any) => [s.Name, s.Actions.map((a: any) => a.Name)]);
const projectNamed = (t: Template, name: string) => resources(t, 'AWS::CodeBuild::Project').find(p => p.Properties.Name === name)!.Properties;
const specOf = (t: Template, name: string) => YAML.parse(projectNamed(t, name).Source.BuildSpec);

describe('AppPipeline', () => {
  test('a CodePipeline V2 in queued mode: source, build once, then one stage per environment in descriptor stage order', () => {
    const t = Template.fromStack(pipelineStack([PROD, DEV, QA]).stack);
    expect(pipelineOf(t)).toMatchObject({ PipelineType: 'V2', ExecutionMode: 'QUEUED', RestartExecutionOnUpdate: false, Name: 'harmonix-orders' });
    expect(stagesOf(t)).toEqual([
      ['Source', ['Source']], ['Build', ['Build']], ['Deploy-dev', ['Deploy']], ['Deploy-qa', ['Approve', 'Deploy']], ['Deploy-prod', ['Approve', 'Deploy']],
    ]);
  });

  test('changing a descriptor\'s stage reorders the stages; equal stages go by name', () => {
    const t = Template.fromStack(pipelineStack([{ ...DEV, stage: 5 }, QA, { ...PROD, stage: 2, requireApproval: false }]).stack);
    expect(stagesOf(t).map((s: any) => s[0])).toEqual(['Source', 'Build', 'Deploy-prod', 'Deploy-qa', 'Deploy-dev']);
    expect(stagesOf(t)[2][1]).toEqual(['Deploy']);
  });

  test('a gated environment waits for an approval announced on the approvals topic, before its deployment', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA]).stack);
    const qa = pipelineOf(t).Stages.find((s: any) => s.Name === 'Deploy-qa');
    const [approve, deploy] = qa.Actions;
    expect(approve).toMatchObject({ ActionTypeId: { Category: 'Approval', Provider: 'Manual' }, RunOrder: 1 });
    expect(approve.Configuration.NotificationArn).toEqual({ Ref: expect.stringMatching(/^OrdersApprovals/) });
    expect(approve.Configuration.CustomData).toContain('Deploy orders to qa');
    expect(deploy.RunOrder).toBe(2);
    // Without a gated environment there is no approvals topic.
    t.resourceCountIs('AWS::SNS::Topic', 2);
    Template.fromStack(pipelineStack([DEV]).stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('pushes to the branch start it, filtered by file paths; the commit is the version', () => {
    const t = Template.fromStack(pipelineStack([DEV], {
      source: PipelineSource.connection({
        connectionArn: CONNECTION_ARN, repository: 'shop/backend/orders', branch: 'release/1.x', includePaths: ['src/**', 'infra/**'], excludePaths: ['docs/**'],
      }),
    }).stack);
    const p = pipelineOf(t);
    expect(p.Triggers).toEqual([{
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: {
        SourceActionName: 'Source',
        Push: [{ Branches: { Includes: ['release/1.x'] }, FilePaths: { Includes: ['src/**', 'infra/**'], Excludes: ['docs/**'] } }],
      },
    }]);
    expect(p.Stages[0].Actions[0].Configuration).toMatchObject({
      ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'shop/backend/orders', BranchName: 'release/1.x',
    });
    const build = p.Stages[1].Actions[0].Configuration;
    expect(JSON.parse(build.EnvironmentVariables)).toEqual([{ name: 'HARMONIX_VERSION', type: 'PLAINTEXT', value: '#{Source.CommitId}' }]);
  });

  test.each([
    ['codeconnections', CONNECTION_ARN],
    ['codestar-connections', CONNECTION_ARN.replace(':codeconnections:', ':codestar-connections:')],
  ])('the pipeline role may use a %s connection, under both service prefixes, and no other connection', async (prefix, connectionArn) => {
    const t = Template.fromStack(pipelineStack([DEV], { source: PipelineSource.connection({ connectionArn, repository: 'shop/orders' }) }).stack);
    const roleId = Object.keys(t.findResources('AWS::IAM::Role')).find(id => id.startsWith('OrdersPipelineRole'))!;
    const statements = roleStatements(t, roleId).map(st => ({ ...st, Resource: [st.Resource].flat().map(r => renderValue(r)) }));
    // IAM's service reference knows each prefix's action on its own ARN form: the evaluator decides that one.
    const policy = { Version: '2012-10-17', Statement: statements };
    const other = connectionArn.replace(/connection\/.*$/, 'connection/00000000-0000-4000-8000-000000000000');
    const action = `${prefix}:UseConnection`;
    expect([
      await decide({ action, resource: connectionArn, context: {} }, '222222222222', [policy]),
      await decide({ action, resource: other, context: {} }, '222222222222', [policy]),
    ]).toEqual(['Allowed', 'ImplicitlyDenied']);
    // CodePipeline takes either prefix for either form: both are granted, on that connection only.
    const granted = statements.filter(st => actionsOf(st).some(a => a.endsWith(':UseConnection')));
    expect(granted.flatMap(st => actionsOf(st)).sort()).toEqual(['codeconnections:UseConnection', 'codestar-connections:UseConnection']);
    expect(granted.flatMap(st => st.Resource)).toEqual([connectionArn, connectionArn]);
  });

  test('an S3 source starts on a new version of its object through EventBridge, and the execution id is the version', () => {
    const app = new App();
    const sourceStack = new Stack(app, 'Sources', { env: PLATFORM_ENV });
    const bucket = new s3.Bucket(sourceStack, 'Sources', { versioned: true, eventBridgeEnabled: true });
    const t = Template.fromStack(pipelineStack([{ kind: 'SERVERLESS', name: 'qa', stage: 2 }], {
      source: PipelineSource.s3({ bucket, objectKey: 'orders/source.zip' }), appBuild: AppBuild.bundle(),
    }, app).stack);
    expect(pipelineOf(t).Triggers).toBeUndefined();
    expect(pipelineOf(t).Stages[0].Actions[0].Configuration).toMatchObject({ S3ObjectKey: 'orders/source.zip', PollForSourceChanges: false });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { object: { key: ['orders/source.zip'] } } },
      Targets: [Match.objectLike({ Arn: Match.anyValue() })],
    });
    const build = pipelineOf(t).Stages[1].Actions[0].Configuration;
    expect(JSON.parse(build.EnvironmentVariables)[0].value).toBe('#{codepipeline.PipelineExecutionId}');
  });

  test('each deploy role may assume exactly its environment\'s provisioning role, and is the ARN that environment must trust', () => {
    const { stack, pipeline } = pipelineStack([DEV, QA]);
    const t = Template.fromStack(stack);
    expect(pipeline.provisioningTrustedRoleArns).toEqual({
      dev: 'arn:aws:iam::222222222222:role/harmonix-orders-deploy-dev',
      qa: 'arn:aws:iam::222222222222:role/harmonix-orders-deploy-qa',
    });
    // sts: actions appear in the deploy roles' policies only, one role each.
    const assumes = resources(t, 'AWS::IAM::Policy').flatMap(p => p.Properties.PolicyDocument.Statement
      .filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('sts:')))
      .map((st: any) => `${p.Properties.Roles[0].Ref.replace(/[0-9A-F]{8}$/, '')} ${st.Action} ${st.Resource}`));
    expect(assumes).toEqual([
      'OrdersDeployRoledev sts:AssumeRole arn:aws:iam::111111111111:role/harmonix-dev-provisioning',
      'OrdersDeployRoleqa sts:AssumeRole arn:aws:iam::333333333333:role/harmonix-qa-provisioning',
    ]);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'harmonix-orders-deploy-qa',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'codebuild.amazonaws.com' } })] },
    });
    // The qa deployment runs as the qa role.
    const qaProject = projectNamed(t, 'harmonix-orders-deploy-qa');
    expect(qaProject.ServiceRole['Fn::GetAtt'][0]).toMatch(/DeployRoleqa/);
    expect(qaProject.Environment.EnvironmentVariables).toEqual(expect.arrayContaining([
      { Name: 'HARMONIX_ROLE_ARN', Type: 'PLAINTEXT', Value: 'arn:aws:iam::333333333333:role/harmonix-qa-provisioning' },
      { Name: 'AWS_REGION', Type: 'PLAINTEXT', Value: 'eu-west-1' },
    ]));
  });

  test('the key is administered by the account but used only by the pipeline\'s roles and services for its own log groups and topics', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA]).stack);
    const [key] = resources(t, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = key.Properties.KeyPolicy.Statement;
    const admin = statements.find((s: any) => s.Sid === 'AdministerKey');
    for (const use of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:CreateGrant']) {
      expect(admin.Action).not.toContain(use);
    }
    const users = statements.find((s: any) => s.Sid === 'UseByThePipelineRoles');
    expect(users.Principal.AWS.map((a: any) => a['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/^OrdersBuildRole/), expect.stringMatching(/^OrdersDeployRoledev/), expect.stringMatching(/^OrdersDeployRoleqa/),
      expect.stringMatching(/^OrdersPipelineRole/),
    ]);
    // Every other statement names a service principal, or the account only for ECR's grants through ECR.
    for (const s of statements.filter((x: any) => !['AdministerKey', 'UseByThePipelineRoles'].includes(x.Sid))) {
      if (s.Principal.Service) continue;
      expect(s.Sid).toBe('AllowEcrGrantsForRepository');
      expect(s.Condition.StringEquals['kms:ViaService']).toBe('ecr.eu-west-1.amazonaws.com');
    }
  });

  test('the artifact bucket is encrypted with the key, logged, expiring, and denies object access to every other principal', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA]).stack);
    expect(pipelineOf(t).ArtifactStore).toMatchObject({ Type: 'S3', EncryptionKey: { Type: 'KMS' } });
    const bucketId = pipelineOf(t).ArtifactStore.Location.Ref;
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
    const policy = resources(t, 'AWS::S3::BucketPolicy').find(p => p.Properties.Bucket.Ref === bucketId)!;
    const deny = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'OnlyThePipelineRoles');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'] });
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toHaveLength(4);
  });

  test('the image repository: immutable tags, scan on push, the key, a lifecycle, pulls from the environments\' accounts only', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA], { maxImageCount: 20 }).stack);
    t.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'orders',
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
      RepositoryPolicyText: {
        Statement: [Match.objectLike({
          Sid: 'PullFromTheEnvironments',
          Principal: { AWS: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::111111111111:root'])] }), Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::333333333333:root'])] })] },
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        })],
      },
    });
    const [repository] = resources(t, 'AWS::ECR::Repository');
    expect(repository.DeletionPolicy).toBe('Retain');
    const rules = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules.map((r: any) => [r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
      ['untagged', 'sinceImagePushed', 1], ['any', 'imageCountMoreThan', 20],
    ]);
  });

  test('notifications of failures, successes, cancellations and approvals go to the encrypted topic', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA]).stack);
    t.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      DetailType: 'FULL',
      EventTypeIds: [
        'codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-pipeline-execution-succeeded',
        'codepipeline-pipeline-pipeline-execution-canceled', 'codepipeline-pipeline-manual-approval-needed',
      ],
      Targets: [{ TargetType: 'SNS', TargetAddress: { Ref: Match.stringLikeRegexp('OrdersNotifications') } }],
    });
    for (const topic of resources(t, 'AWS::SNS::Topic')) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] });
    }
    for (const group of resources(t, 'AWS::Logs::LogGroup')) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] } });
      expect(group.Properties.LogGroupName).toMatch(/^\/harmonix\/platform\/pipelines\/orders\/(build|deploy-dev|deploy-qa)$/);
    }
  });

  test('retainData: false: aws-cdk-lib\'s bucket auto-delete function logs into a group of the pipeline, with retention and the key', () => {
    const t = Template.fromStack(pipelineStack([DEV], { retainData: false }).stack);
    const groups = t.findResources('AWS::Logs::LogGroup');
    const [handler] = Object.values(t.findResources('AWS::Lambda::Function'));
    expect(groups[handler.Properties.LoggingConfig.LogGroup.Ref].Properties).toMatchObject({
      LogGroupName: '/harmonix/platform/pipelines/orders/custom-resources/s3-auto-delete-objects/handler',
      RetentionInDays: 90,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] },
    });
  });

  test('the image build: ARM64, privileged for Docker, tests first, the image once, infra/ synthesized per environment with its digest', () => {
    const t = Template.fromStack(pipelineStack([QA, DEV]).stack);
    const project = projectNamed(t, 'harmonix-orders-build');
    expect(project.Environment).toMatchObject({ Type: 'ARM_CONTAINER', Image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0', PrivilegedMode: true });
    expect(project.EncryptionKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] });
    const spec = specOf(t, 'harmonix-orders-build');
    const commands: string[] = spec.phases.build.commands;
    expect(commands.slice(0, 2)).toEqual(['npm ci', 'npx projen build']);
    expect(commands.filter(c => c.includes('docker build'))).toHaveLength(1);
    expect(commands.filter(c => c.startsWith('npx cdk synth'))).toEqual([
      'npx cdk synth --quiet --context environment=dev --context imageRepository="$HARMONIX_IMAGE_REPOSITORY" --context imageTag="$HARMONIX_IMAGE_DIGEST" --output harmonix-assemblies/dev',
      'npx cdk synth --quiet --context environment=qa --context imageRepository="$HARMONIX_IMAGE_REPOSITORY" --context imageTag="$HARMONIX_IMAGE_DIGEST" --output harmonix-assemblies/qa',
    ]);
    expect(spec.artifacts).toEqual({ 'base-directory': 'harmonix-assemblies', 'files': ['**/*'] });
  });

  test('a bundle build runs no Docker and is not privileged; the build\'s commands and runtimes are the team\'s', () => {
    const t = Template.fromStack(pipelineStack([{ kind: 'SERVERLESS', name: 'qa', stage: 2 }], {
      appBuild: AppBuild.bundle({ commands: ['npm ci', 'npx projen test', 'npx projen compile'], runtimeVersions: { nodejs: '22', python: '3.12' } }),
    }).stack);
    const project = projectNamed(t, 'harmonix-orders-build');
    expect(project.Environment.PrivilegedMode).toBe(false);
    const spec = specOf(t, 'harmonix-orders-build');
    expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: '22', python: '3.12' });
    expect(spec.phases.build.commands).toEqual([
      'npm ci', 'npx projen test', 'npx projen compile', 'rm -rf harmonix-assemblies', 'npx cdk synth --quiet --context environment=qa --output harmonix-assemblies/qa',
    ]);
    t.resourceCountIs('AWS::ECR::Repository', 0);
  });

  test('a deployment assumes the provisioning role (with the external id), records STARTED and its result, deploys the assembly and checks the URL', () => {
    const t = Template.fromStack(pipelineStack([DEV, QA], { externalId: 'harmonix-example-external-id', smokeCheckPath: '/orders/health' }).stack);
    const spec = specOf(t, 'harmonix-orders-deploy-qa');
    const pre: string[] = spec.phases.pre_build.commands;
    expect(pre[0]).toBe('npm ci');
    expect(pre.join('\n')).toContain('credential_source = EcsContainer');
    expect(pre.join('\n')).toContain('external_id = %s');
    expect(pre.at(-1)).toMatch(/^npx harmonix audit record --descriptor "\$CODEBUILD_TMP_DIR\/harmonix-descriptor.json" --app orders --result STARTED --version "\$HARMONIX_VERSION"/);
    expect(spec.phases.build.commands[0]).toBe(
      'npx cdk deploy --all --app "$CODEBUILD_SRC_DIR_Assemblies/qa" --require-approval never --outputs-file cdk-outputs.json');
    expect(spec.phases.build.commands.join('\n')).toContain('${HARMONIX_APP_URL%/}/orders/health');
    expect(spec.phases.post_build.commands[0]).toContain('--result "$([ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ] && echo SUCCEEDED || echo FAILED)"');
    const variables = projectNamed(t, 'harmonix-orders-deploy-qa').Environment.EnvironmentVariables;
    expect(variables).toEqual(expect.arrayContaining([{ Name: 'HARMONIX_EXTERNAL_ID', Type: 'PLAINTEXT', Value: 'harmonix-example-external-id' }]));
    const descriptor = JSON.parse(variables.find((v: any) => v.Name === 'HARMONIX_DESCRIPTOR').Value);
    expect(descriptor).toMatchObject({ name: 'qa', account: '333333333333', auditWriterUrl: expect.stringMatching(/^https:/) });
    // The deployment takes the source (for its tools) and the build's assemblies, nothing rebuilt.
    const qaStage = pipelineOf(t).Stages.find((s: any) => s.Name === 'Deploy-qa');
    expect(qaStage.Actions[1].InputArtifacts).toEqual([{ Name: 'Source' }, { Name: 'Assemblies' }]);
  });

  test('an environment without an audit writer (schema 1.0) deploys without records; "" turns the smoke check off', () => {
    const { stack } = pipelineStack([{ ...DEV, audit: false }], { smokeCheckPath: '' });
    const spec = specOf(Template.fromStack(stack), 'harmonix-orders-deploy-dev');
    expect(JSON.stringify(spec)).not.toContain('audit record');
    expect(spec.phases.post_build).toBeUndefined();
    expect(spec.phases.build.commands).toHaveLength(1);
  });

  test('an owned environment in the same app deploys as an imported one does', () => {
    const app = new App();
    const envStack = new Stack(app, 'Workload', { env: PLATFORM_ENV });
    const owned = new EcsEnvironment(envStack, 'Dev', {
      environmentName: 'dev',
      stage: 1,
      provisioningTrustedRoleArns: ['arn:aws:iam::222222222222:role/harmonix-orders-deploy-dev'],
      operationsTrustedRoleArns: ['arn:aws:iam::222222222222:role/harmonix-backstage-task'],
    });
    const stack = new Stack(app, 'Platform', { env: PLATFORM_ENV });
    new AppPipeline(stack, 'Orders', {
      appName: 'orders',
      source: PipelineSource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/orders' }),
      appBuild: AppBuild.containerImage(),
      environments: [owned],
    });
    const t = Template.fromStack(stack);
    expect(stagesOf(t).map((s: any) => s[0])).toEqual(['Source', 'Build', 'Deploy-dev']);
    const deployPolicy = resources(t, 'AWS::IAM::Policy').find(p => /DeployRoledev/.test(p.Properties.Roles[0].Ref))!;
    expect(deployPolicy.Properties.PolicyDocument.Statement[0]).toMatchObject({ Action: 'sts:AssumeRole', Resource: { 'Fn::ImportValue': expect.any(String) } });
  });

  test.each([
    ['an image build and a bundle build', [DEV, QA]],
    ['a bundle build from S3', [{ kind: 'SERVERLESS', name: 'qa', stage: 2, requireApproval: true }]],
  ] as const)('cdk-nag AwsSolutions: no finding unaccepted (%s)', (_name, specs) => {
    const app = new App();
    const serverless = specs.every(s => s.kind === 'SERVERLESS');
    const props = (stack: Stack) => (serverless ? {
      source: PipelineSource.s3({ bucket: s3.Bucket.fromBucketName(stack, 'Sources', 'harmonix-sources'), objectKey: 'orders.zip' }),
    } : {});
    pipelineStack([...specs], props, app);
    expect(nagFindings(app)).toEqual([]);
  });
});

test('a container image goes to EKS environments too, in descriptor order, each deployed by a role that may assume only its provisioning role', () => {
  const STAGING: EnvironmentSpec = { kind: 'EKS', name: 'staging', stage: 2, account: '555555555555' };
  const t = Template.fromStack(pipelineStack([DEV, STAGING]).stack);
  expect(stagesOf(t).map((s: any) => s[0])).toEqual(['Source', 'Build', 'Deploy-dev', 'Deploy-staging']);
  const assumed = resources(t, 'AWS::IAM::Policy').flatMap(p => p.Properties.PolicyDocument.Statement)
    .filter((st: any) => st.Action === 'sts:AssumeRole').map((st: any) => st.Resource);
  expect(assumed).toContain('arn:aws:iam::555555555555:role/harmonix-staging-provisioning');
});

describe('AppPipeline refuses', () => {
  const refuse = (specs: EnvironmentSpec[], props: object, message: RegExp | string) =>
    expect(() => pipelineStack(specs, props as any)).toThrow(message);

  test('an empty list of environments', () => refuse([], {}, /Platform\/Orders: invalid `environments`: is empty/));
  test('an environment given twice', () =>
    refuse([DEV, { ...DEV, account: '333333333333' }], {}, /invalid `environments`: has the environment "dev" twice/));
  test('an environment of a kind the build cannot deploy to', () => {
    refuse([DEV, { kind: 'SERVERLESS', name: 'qa', stage: 2 }], { appBuild: AppBuild.containerImage() },
      /"qa" is a SERVERLESS environment, and a container image build deploys to ECS or EKS environments only/);
    refuse([DEV], { appBuild: AppBuild.bundle() }, /"dev" is a ECS environment, and a bundle build deploys to SERVERLESS environments only/);
  });
  test('a connection ARN, repository or branch that is not one', () => {
    const source = (o: object) => ({ source: PipelineSource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/orders', ...o }) });
    refuse([DEV], source({ connectionArn: 'arn:aws:iam::222222222222:role/x' }), /invalid `source`: connectionArn "arn:aws:iam::222222222222:role\/x" is not a connection ARN/);
    refuse([DEV], source({ repository: 'orders' }), /repository "orders" is not a repository path/);
    refuse([DEV], source({ branch: 'a..b' }), /branch "a..b" is not a branch name/);
  });
  test('file path filters beyond CodePipeline\'s limits', () => {
    const source = (o: object) => ({ source: PipelineSource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/orders', ...o }) });
    refuse([DEV], source({ includePaths: Array.from({ length: 9 }, (_, i) => `p${i}/**`) }), /includePaths has 9 patterns; a CodePipeline trigger takes at most 8/);
    refuse([DEV], source({ excludePaths: ['x'.repeat(256)] }), /excludePaths has the pattern "x{40}\.\.\." of 256 characters; each must have 1 to 255/);
    refuse([DEV], source({ includePaths: [] }), /includePaths is empty/);
    refuse([DEV], source({ includePaths: ['src/**', 'src/**'] }), /includePaths has the pattern "src\/\*\*" twice/);
  });
  test('a smoke check path, app name, external id or build without commands that cannot work', () => {
    refuse([DEV], { smokeCheckPath: 'health' }, /invalid `smokeCheckPath`: "health" is not a URL path/);
    refuse([DEV], { smokeCheckPath: '/$(id)' }, /invalid `smokeCheckPath`/);
    refuse([DEV], { appName: 'Orders' }, /invalid `appName`: "Orders" is not a DNS label/);
    refuse([DEV], { externalId: 'a b' }, /invalid `externalId`/);
    refuse([DEV], { appBuild: AppBuild.containerImage({ commands: [] }) }, /invalid `appBuild`: has no commands/);
    refuse([DEV], { maxImageCount: 0 }, /invalid `maxImageCount`/);
  });
  test('a deploy role name beyond IAM\'s 64 characters', () =>
    refuse([{ ...DEV, name: 'integration' }], { appName: 'a-very-long-application-name-for-orders1' },
      /invalid `environments`: "harmonix-a-very-long-application-name-for-orders1-deploy-integration" is not an IAM name/));
});
