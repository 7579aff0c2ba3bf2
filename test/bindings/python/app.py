"""The example environments app (examples/environments.ts) in Python: same stacks, ids and props."""
from pathlib import Path

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs

from harmonix_cdk import (
    DescriptorDocument,
    EcsEnvironment,
    HarmonixEnvironment,
    ServerlessEnvironment,
    SharedLoadBalancerOptions,
)

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

# An app's stack, fed only the descriptor (run from the repository root).
descriptor_json = Path("examples/descriptors/dev.json").read_text(encoding="utf-8")
descriptor = DescriptorDocument.parse(descriptor_json, "dev.json")
app_stack = Stack(
    app,
    "HarmonixOrdersDev",
    env=Environment(account=descriptor.account, region=descriptor.region),
    description='harmonix-cdk example: an app on the imported environment "dev"',
)
# from_descriptor takes the descriptor's fields as keyword arguments in Python; the text is simpler.
dev = HarmonixEnvironment.from_descriptor_json(app_stack, "Dev", descriptor_json)
dev_ecs = dev.ecs
log_group = logs.LogGroup(
    app_stack,
    "Logs",
    log_group_name=f"{dev.log_group_prefix}orders",
    encryption_key=dev.kms_key,
    retention=logs.RetentionDays.ONE_MONTH,
)
task_definition = ecs.FargateTaskDefinition(
    app_stack,
    "Task",
    runtime_platform=ecs.RuntimePlatform(
        cpu_architecture=ecs.CpuArchitecture.ARM64,
        operating_system_family=ecs.OperatingSystemFamily.LINUX,
    ),
)
task_definition.add_container(
    "web",
    image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
    port_mappings=[ecs.PortMapping(container_port=8080)],
    logging=ecs.LogDrivers.aws_logs(log_group=log_group, stream_prefix="web"),
)
service = ecs.FargateService(
    app_stack,
    "Service",
    cluster=dev_ecs.cluster,
    task_definition=task_definition,
    capacity_provider_strategies=dev_ecs.default_capacity_provider_strategies,
    cloud_map_options=ecs.CloudMapOptions(name="orders", cloud_map_namespace=dev_ecs.cloud_map_namespace),
    circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
    min_healthy_percent=100,
)
dev_ecs.shared_load_balancer.add_route(
    app_stack,
    "Web",
    service=service,
    priority=10,
    container_name="web",
    container_port=8080,
    host_headers=["orders.dev.example.com"],
    health_check_path="/health",
)

app.synth()
