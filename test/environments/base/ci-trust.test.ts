import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EcsEnvironment, GithubCiTrust, GitlabCiTrust, ServerlessEnvironment } from '../../../src';
import { baseProps, EXTERNAL_ID, logicalIdOf, PIPELINE_ROLE_ARN, testApp, testStack, TEST_ENV } from '../../fixtures/app';
import { nagFindings } from '../../fixtures/nag';

const GITLAB: GitlabCiTrust = { projectPaths: ['shop/backend/orders', 'shop/web'], branches: ['main'], tags: ['v1.0.0'] };
const GITHUB: GithubCiTrust = { repositories: ['acme/orders'], branches: ['main'], environments: ['production'] };

function trustOf(template: Template): any[] {
  const role = template.findResources('AWS::IAM::Role')[logicalIdOf(template, 'AWS::IAM::Role', 'DevProvisioningRole')];
  return role.Properties.AssumeRolePolicyDocument.Statement;
}

describe('CI reaches the provisioning role with OIDC tokens, for named projects and refs only', () => {
  test('GitLab (gitlab.com): exact subjects for each project and ref, the audience checked, a provider created', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({ provisioningTrustedRoleArns: undefined, gitlabCiTrust: GITLAB }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://gitlab.com', ClientIdList: ['https://gitlab.com'] });
    const provider = logicalIdOf(template, 'AWS::IAM::OIDCProvider', 'DevGitlabCiProvider');
    expect(trustOf(template)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: { Ref: provider } },
      Condition: {
        StringEquals: {
          'gitlab.com:aud': 'https://gitlab.com',
          'gitlab.com:sub': [
            'project_path:shop/backend/orders:ref_type:branch:ref:main',
            'project_path:shop/backend/orders:ref_type:tag:ref:v1.0.0',
            'project_path:shop/web:ref_type:branch:ref:main',
            'project_path:shop/web:ref_type:tag:ref:v1.0.0',
          ],
        },
      },
    }]);
  });

  test('self-managed GitLab with an existing provider, GitHub beside it, and pipeline roles behind the external id', () => {
    const stack = testStack();
    new EcsEnvironment(stack, 'Dev', baseProps({
      externalId: EXTERNAL_ID,
      gitlabCiTrust: { ...GITLAB, gitlabUrl: 'https://gitlab.example.com/', providerArn: 'arn:aws:iam::111111111111:oidc-provider/gitlab.example.com', audience: 'aws' },
      githubCiTrust: GITHUB,
    }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
    const statements = trustOf(template);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatchObject({ Action: 'sts:AssumeRole', Principal: { AWS: PIPELINE_ROLE_ARN }, Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } });
    expect(statements[1]).toEqual({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/gitlab.example.com' },
      Condition: { StringEquals: { 'gitlab.example.com:aud': 'aws', 'gitlab.example.com:sub': expect.arrayContaining(['project_path:shop/web:ref_type:branch:ref:main']) } },
    });
    expect(statements[2].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': ['repo:acme/orders:ref:refs/heads/main', 'repo:acme/orders:environment:production'],
      },
    });
    // The external id is for the trusted roles only: a web identity has no external id to pass.
    expect(JSON.stringify(statements.slice(1))).not.toMatch(/ExternalId/);
  });

  test('the operations role never trusts CI, and cdk-nag stays clean', () => {
    const stack = testStack();
    new ServerlessEnvironment(stack, 'Dev', baseProps({ githubCiTrust: GITHUB }));
    const template = Template.fromStack(stack);
    const operations = template.findResources('AWS::IAM::Role')[logicalIdOf(template, 'AWS::IAM::Role', 'DevOperationsRole')];
    expect(JSON.stringify(operations.Properties.AssumeRolePolicyDocument)).not.toMatch(/WebIdentity|oidc/);
    const app = testApp();
    new ServerlessEnvironment(testStack(app), 'Dev', baseProps({ githubCiTrust: GITHUB, gitlabCiTrust: GITLAB }));
    expect(nagFindings(app)).toEqual([]);
  });

  test('two environments of one account share the provider: the second is told to pass its ARN', () => {
    const app = testApp();
    new EcsEnvironment(new Stack(app, 'One', { env: TEST_ENV }), 'Dev', baseProps({ gitlabCiTrust: GITLAB }));
    expect(() => new EcsEnvironment(new Stack(app, 'Two', { env: TEST_ENV }), 'Qa', baseProps({ environmentName: 'qa', gitlabCiTrust: GITLAB })))
      .toThrow('Two/Qa: invalid `GitlabCi.providerArn`: One/Dev creates the OIDC provider of https://gitlab.com in account 111111111111 already; an account has one per issuer: pass its ARN here.');
  });

  test.each([
    ['a wildcard project path', { gitlabCiTrust: { ...GITLAB, projectPaths: ['shop/*'] } },
      'Workload/Dev: invalid `gitlabCiTrust.projectPaths[0]`: "shop/*" holds a wildcard; name each one exactly (a wildcard would let any matching pipeline deploy).'],
    ['a wildcard branch', { gitlabCiTrust: { ...GITLAB, branches: ['release-*'] } }, /gitlabCiTrust.branches\[0\]`: "release-\*" holds a wildcard/],
    ['no ref condition (GitLab)', { gitlabCiTrust: { projectPaths: ['shop/web'] } },
      /invalid `gitlabCiTrust.branches`: or `tags` must name the refs that may deploy: without a ref condition every pipeline of the projects, merge requests included, could deploy/],
    ['no ref condition (GitHub)', { githubCiTrust: { repositories: ['acme/orders'] } }, /invalid `githubCiTrust.branches`: or `environments` must name the refs/],
    ['a wildcard repository', { githubCiTrust: { ...GITHUB, repositories: ['acme/*'] } }, /githubCiTrust.repositories\[0\]`: "acme\/\*" holds a wildcard/],
    ['a project path without group', { gitlabCiTrust: { ...GITLAB, projectPaths: ['orders'] } }, /"orders" is not valid; use a value such as "platform\/shop\/orders"/],
    ['a GitLab URL with a path', { gitlabCiTrust: { ...GITLAB, gitlabUrl: 'https://example.com/gitlab' } }, /must be the HTTPS root URL of the GitLab instance/],
    ['no pipeline role and no CI trust', { provisioningTrustedRoleArns: [] }, /invalid `provisioningTrustedRoleArns`/],
  ])('refused: %s', (_case, overrides, message) => {
    expect(() => new EcsEnvironment(testStack(), 'Dev', baseProps(overrides as any))).toThrow(message);
  });
});

test('GitLab tokens: the audience is the instance URL unless given', () => {
  const stack = testStack();
  new ServerlessEnvironment(stack, 'Dev', baseProps({ gitlabCiTrust: { ...GITLAB, gitlabUrl: 'https://gitlab.example.com' } }));
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { StringEquals: Match.objectLike({ 'gitlab.example.com:aud': 'https://gitlab.example.com' }) } })]) },
  });
});
