"""The example environments app (examples/environments.ts) in Python: same stacks, ids and props."""
from aws_cdk import App, Environment, Stack

from harmonix_cdk import EcsEnvironment, ServerlessEnvironment, SharedLoadBalancerOptions

app = App()


def context(key: str, fallback: str) -> str:
    return app.node.try_get_context(key) or fallback


env = Environment(account=context("account", "111111111111"), region=context("region", "eu-west-1"))
pipeline_role_arn = context("pipelineRoleArn", "arn:aws:iam::222222222222:role/harmonix-gitlab-runner")
backstage_role_arn = context("backstageRoleArn", "arn:aws:iam::222222222222:role/harmonix-backstage-task")
certificate_arn = context(
    "certificateArn",
    f"arn:aws:acm:{env.region}:{env.account}:certificate/00000000-0000-0000-0000-000000000000",
)
external_id = context("externalId", "harmonix-example-external-id")

ecs_stack = Stack(app, "HarmonixEcsDev", env=env, description='harmonix-cdk example: ECS environment "dev"')
EcsEnvironment(
    ecs_stack,
    "Dev",
    environment_name="dev",
    stage=1,
    description="Development environment for container apps",
    provisioning_trusted_role_arns=[pipeline_role_arn],
    operations_trusted_role_arns=[backstage_role_arn],
    external_id=external_id,
    shared_load_balancer=SharedLoadBalancerOptions(certificate_arn=certificate_arn),
)

serverless_stack = Stack(
    app, "HarmonixServerlessQa", env=env, description='harmonix-cdk example: serverless environment "qa"'
)
ServerlessEnvironment(
    serverless_stack,
    "Qa",
    environment_name="qa",
    stage=2,
    description="QA environment for Lambda and API Gateway apps",
    provisioning_trusted_role_arns=[pipeline_role_arn],
    operations_trusted_role_arns=[backstage_role_arn],
    external_id=external_id,
)

app.synth()
