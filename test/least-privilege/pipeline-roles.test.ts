import { Template } from 'aws-cdk-lib/assertions';
import { renderValue, roleStatements, Statement } from '../fixtures/iam';
import { decide, Policy } from '../fixtures/iam-proof';
import { pipelineStack } from '../fixtures/pipelines';

/**
 * A real IAM evaluator (@cloud-copilot/iam-simulate) on the deploy roles' identity policies, as
 * synthesized: each may assume its own environment's provisioning role, and no other role at all.
 */
describe('each AppPipeline deploy role assumes exactly its environment\'s provisioning role', () => {
  const environments = [
    { name: 'dev', account: '111111111111' },
    { name: 'qa', account: '333333333333' },
    { name: 'prod', account: '444444444444' },
  ];
  const { stack } = pipelineStack(environments.map((e, i) => ({ kind: 'ECS' as const, name: e.name, stage: i + 1, account: e.account })));
  const template = Template.fromStack(stack);
  const roleIds = Object.entries(template.findResources('AWS::IAM::Role')).map(([id, r]) => [id, r.Properties.RoleName] as const);
  const policyOf = (roleName: string): Policy => {
    const [id] = roleIds.find(([, name]) => name === roleName)!;
    const statements = roleStatements(template, id).map((s: Statement) => ({ ...s, Resource: [s.Resource].flat().map(r => renderValue(r, ref => `arn:aws:unknown:::${ref}`)) }));
    return { Version: '2012-10-17', Statement: statements };
  };
  const candidates = environments.flatMap(e => [
    `arn:aws:iam::${e.account}:role/harmonix-${e.name}-provisioning`,
    `arn:aws:iam::${e.account}:role/harmonix-${e.name}-operations`,
    `arn:aws:iam::${e.account}:role/cdk-hnb659fds-deploy-role-${e.account}-eu-west-1`,
  ]).concat(['arn:aws:iam::222222222222:role/harmonix-orders-deploy-dev', 'arn:aws:iam::222222222222:role/harmonix-gitlab-runner']);

  test.each(environments)('$name: its provisioning role is allowed, every other role implicitly denied', async e => {
    const policy = policyOf(`harmonix-orders-deploy-${e.name}`);
    const decisions: Record<string, string> = {};
    for (const role of candidates) {
      decisions[role] = await decide({ action: 'sts:AssumeRole', resource: role, context: {} }, '222222222222', [policy]);
    }
    const own = `arn:aws:iam::${e.account}:role/harmonix-${e.name}-provisioning`;
    expect(decisions).toEqual(Object.fromEntries(candidates.map(r => [r, r === own ? 'Allowed' : 'ImplicitlyDenied'])));
    // Nor may it tag a session or assume with a web identity.
    for (const action of ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity']) {
      expect([action, await decide({ action, resource: own, context: {} }, '222222222222', [policy])]).toEqual([action, 'ImplicitlyDenied']);
    }
  });
});
