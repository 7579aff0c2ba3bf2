"""The example environments app (examples/environments.ts) in Python: same stacks, ids and props."""
import os
from pathlib import Path

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_

from harmonix_cdk import (
    AccessLevel,
    AppBucket,
    AppBuild,
    AppPipeline,
    AppDatabase,
    AppFunctionOptions,
    CiCredentials,
    BackstageOnFargate,
    DescriptorDocument,
    EcsApplication,
    EcsEnvironment,
    EksApplication,
    EksEnvironment,
    GitlabRunner,
    HarmonixPythonServiceProject,
    HarmonixEnvironment,
    NatProviderType,
    PipelineSource,
    ServerlessApplication,
    ServerlessEnvironment,
    SharedLoadBalancerOptions,
)

# With HARMONIX_BLUEPRINT_DIR, generate an app repo there with a blueprint instead (run.ts checks it).
BLUEPRINT_DIR = os.environ.get("HARMONIX_BLUEPRINT_DIR")
if BLUEPRINT_DIR:
    HarmonixPythonServiceProject(
        name="orders",
        default_release_branch="main",
        outdir=BLUEPRINT_DIR,
        gitlab_project_path="shop/orders",
        ci_credentials=CiCredentials.INSTANCE_ROLE,
        runner_tags=["harmonix"],
    ).synth()
    raise SystemExit(0)

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

def read_descriptor(name: str) -> str:
    """A descriptor of the examples (run from the repository root)."""
    return Path("examples/descriptors", name).read_text(encoding="utf-8")


# The platform account (examples/platform.ts): Backstage showing both environments, the GitLab
# runners that deploy into them, and the orders app's pipeline.
platform_env = Environment(account=context("platformAccount", "222222222222"), region=context("region", "eu-west-1"))
platform_stack = Stack(
    app, "HarmonixPlatform", env=platform_env, description="harmonix-cdk example: the platform account, with Backstage and GitLab runners",
)
platform_certificate_arn = context(
    "platformCertificateArn",
    f"arn:aws:acm:{platform_env.region}:{platform_env.account}:certificate/11111111-2222-3333-4444-555555555555",
)
backstage = BackstageOnFargate(
    platform_stack,
    "Backstage",
    image_tag=context("backstageImageTag", "1.0.0"),
    domain_name="backstage.example.com",
    certificate=acm.Certificate.from_certificate_arn(platform_stack, "Certificate", platform_certificate_arn),
)
runner = GitlabRunner(platform_stack, "GitlabRunner", vpc=backstage.vpc, tags=["harmonix"])
for name in ["dev", "qa"]:
    environment = HarmonixEnvironment.from_descriptor_json(
        platform_stack, f"Environment-{name}", read_descriptor(f"{name}.json")
    )
    backstage.add_environment(environment)
    runner.allow_deploy_to(environment)

orders_pipeline = AppPipeline(
    platform_stack,
    "OrdersPipeline",
    app_name="orders",
    source=PipelineSource.connection(
        connection_arn=context(
            "connectionArn",
            f"arn:aws:codeconnections:{platform_env.region}:{platform_env.account}:connection/6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b",
        ),
        repository="shop/backend/orders",
        exclude_paths=["docs/**", "*.md"],
    ),
    app_build=AppBuild.container_image(),
    environments=[
        HarmonixEnvironment.from_descriptor_json(platform_stack, "OrdersDev", read_descriptor("dev.json")),
        HarmonixEnvironment.from_descriptor_json(platform_stack, "OrdersQa", read_descriptor("qa-ecs.json")),
    ],
    external_id=context("externalId", "harmonix-example-external-id"),
)
runner.allow_push_to(orders_pipeline.repository)

ecs_stack = Stack(app, "HarmonixEcsDev", env=env, description='harmonix-cdk example: ECS environment "dev"')
EcsEnvironment(
    ecs_stack,
    "Dev",
    environment_name="dev",
    stage=1,
    description="Development environment for container apps",
    provisioning_trusted_role_arns=[pipeline_role_arn, orders_pipeline.provisioning_trusted_role_arns["dev"]],
    operations_trusted_role_arns=[backstage_role_arn],
    external_id=external_id,
    shared_load_balancer=SharedLoadBalancerOptions(certificate_arn=certificate_arn),
    nat_provider=NatProviderType.INSTANCE,
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

eks_stack = Stack(app, "HarmonixEksStaging", env=env, description='harmonix-cdk example: EKS environment "staging"')
EksEnvironment(
    eks_stack,
    "Staging",
    environment_name="staging",
    stage=2,
    description="Staging environment for Kubernetes apps",
    provisioning_trusted_role_arns=[pipeline_role_arn],
    operations_trusted_role_arns=[backstage_role_arn],
    external_id=external_id,
    app_namespaces=["orders"],
    nat_provider=NatProviderType.INSTANCE,
)

# Apps' stacks, each fed only its environment's descriptor.
dev_json = read_descriptor("dev.json")
dev_descriptor = DescriptorDocument.parse(dev_json, "dev.json")
orders_stack = Stack(
    app,
    "HarmonixOrdersDev",
    env=Environment(account=dev_descriptor.account, region=dev_descriptor.region),
    description='harmonix-cdk example: the orders app in the imported environment "dev"',
)
# from_descriptor takes the descriptor's fields as keyword arguments in Python; the text is simpler.
dev = HarmonixEnvironment.from_descriptor_json(orders_stack, "Dev", dev_json)
orders = EcsApplication(
    orders_stack,
    "Orders",
    environment=dev,
    app_name="orders",
    image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
    container_port=8080,
    priority=10,
    host_headers=["orders.dev.example.com"],
    health_check_path="/",
)
orders.bind(AppDatabase(orders_stack, "OrdersDb", environment=dev))
orders.bind(AppBucket(orders_stack, "Invoices", environment=dev))

staging_json = read_descriptor("staging.json")
staging_descriptor = DescriptorDocument.parse(staging_json, "staging.json")
orders_staging_stack = Stack(
    app,
    "HarmonixOrdersStaging",
    env=Environment(account=staging_descriptor.account, region=staging_descriptor.region),
    description='harmonix-cdk example: the orders app in the imported EKS environment "staging"',
)
staging = HarmonixEnvironment.from_descriptor_json(orders_staging_stack, "Staging", staging_json)
orders_on_eks = EksApplication(
    orders_staging_stack,
    "Orders",
    environment=staging,
    app_name="orders",
    namespace_name="orders",
    image="public.ecr.aws/nginx/nginx-unprivileged:1.27",
    container_port=8080,
    hosts=["orders.staging.example.com"],
    certificate=acm.Certificate.from_certificate_arn(orders_staging_stack, "Certificate", certificate_arn),
    health_check_path="/",
)
orders_on_eks.bind(AppDatabase(orders_staging_stack, "OrdersDb", environment=staging))
orders_on_eks.bind(AppBucket(orders_staging_stack, "Invoices", environment=staging))

qa_json = read_descriptor("qa.json")
qa_descriptor = DescriptorDocument.parse(qa_json, "qa.json")
shop_stack = Stack(
    app,
    "HarmonixShopQa",
    env=Environment(account=qa_descriptor.account, region=qa_descriptor.region),
    description='harmonix-cdk example: the shop app in the imported environment "qa"',
)
qa = HarmonixEnvironment.from_descriptor_json(shop_stack, "Qa", qa_json)
shop = ServerlessApplication(
    shop_stack,
    "Shop",
    environment=qa,
    app_name="shop",
    functions=[
        AppFunctionOptions(
            name="api",
            handler="index.handler",
            code=lambda_.Code.from_asset("examples/functions/shop"),
            routes=["GET /files", "GET /health"],
        )
    ],
)
shop.bind(AppBucket(shop_stack, "Files", environment=qa), access=AccessLevel.READ)

app.synth()
