package dev.harmonixcdk.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.harmonixcdk.AccessLevel;
import dev.harmonixcdk.AppBucket;
import dev.harmonixcdk.AppBuild;
import dev.harmonixcdk.AppPipeline;
import dev.harmonixcdk.AppDatabase;
import dev.harmonixcdk.AppFunctionOptions;
import dev.harmonixcdk.BackstageOnFargate;
import dev.harmonixcdk.BindOptions;
import dev.harmonixcdk.CiCredentials;
import dev.harmonixcdk.ConnectionSourceOptions;
import dev.harmonixcdk.DescriptorDocument;
import dev.harmonixcdk.EcsApplication;
import dev.harmonixcdk.EcsEnvironment;
import dev.harmonixcdk.EksApplication;
import dev.harmonixcdk.EksEnvironment;
import dev.harmonixcdk.EnvironmentDescriptor;
import dev.harmonixcdk.GitlabRunner;
import dev.harmonixcdk.HarmonixEnvironment;
import dev.harmonixcdk.HarmonixJavaServiceProject;
import dev.harmonixcdk.HarmonixJavaServiceProjectOptions;
import dev.harmonixcdk.IHarmonixEnvironment;
import dev.harmonixcdk.NatProviderType;
import dev.harmonixcdk.PipelineSource;
import dev.harmonixcdk.ServerlessApplication;
import dev.harmonixcdk.ServerlessEnvironment;
import dev.harmonixcdk.SharedLoadBalancerOptions;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.lambda.Code;

/** The example environments app (examples/environments.ts) in Java: same stacks, ids and props. */
public final class EnvironmentsApp {
    private EnvironmentsApp() {
    }

    private static String context(App app, String key, String fallback) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value.toString();
    }

    private static String readDescriptorJson(String name) throws IOException {
        return Files.readString(Path.of("examples", "descriptors", name), StandardCharsets.UTF_8);
    }

    private static EnvironmentDescriptor readDescriptor(String name) throws IOException {
        return DescriptorDocument.parse(readDescriptorJson(name), name);
    }

    public static void main(final String[] args) throws IOException {
        // With HARMONIX_BLUEPRINT_DIR, generate an app repo there with a blueprint instead (run.ts checks it).
        String blueprintDir = System.getenv("HARMONIX_BLUEPRINT_DIR");
        if (blueprintDir != null) {
            new HarmonixJavaServiceProject(HarmonixJavaServiceProjectOptions.builder()
                    .name("orders")
                    .defaultReleaseBranch("main")
                    .outdir(blueprintDir)
                    .gitlabProjectPath("shop/orders")
                    .ciCredentials(CiCredentials.INSTANCE_ROLE)
                    .runnerTags(List.of("harmonix"))
                    .javaPackage("com.acme.orders")
                    .build()).synth();
            return;
        }
        App app = new App();
        Environment env = Environment.builder()
                .account(context(app, "account", "111111111111"))
                .region(context(app, "region", "eu-west-1"))
                .build();
        String pipelineRoleArn = context(app, "pipelineRoleArn", "arn:aws:iam::222222222222:role/harmonix-gitlab-runner");
        String backstageRoleArn = context(app, "backstageRoleArn", "arn:aws:iam::222222222222:role/harmonix-backstage-task");
        String certificateArn = context(app, "certificateArn",
                "arn:aws:acm:" + env.getRegion() + ":" + env.getAccount() + ":certificate/00000000-0000-0000-0000-000000000000");
        String externalId = context(app, "externalId", "harmonix-example-external-id");

        // The platform account (examples/platform.ts): Backstage showing both environments, the
        // GitLab runners that deploy into them, and the orders app's pipeline.
        Environment platformEnv = Environment.builder()
                .account(context(app, "platformAccount", "222222222222"))
                .region(context(app, "region", "eu-west-1"))
                .build();
        Stack platformStack = new Stack(app, "HarmonixPlatform", StackProps.builder()
                .env(platformEnv)
                .description("harmonix-cdk example: the platform account, with Backstage and GitLab runners")
                .build());
        String platformCertificateArn = context(app, "platformCertificateArn",
                "arn:aws:acm:" + platformEnv.getRegion() + ":" + platformEnv.getAccount() + ":certificate/11111111-2222-3333-4444-555555555555");
        BackstageOnFargate backstage = BackstageOnFargate.Builder.create(platformStack, "Backstage")
                .imageTag(context(app, "backstageImageTag", "1.0.0"))
                .domainName("backstage.example.com")
                .certificate(Certificate.fromCertificateArn(platformStack, "Certificate", platformCertificateArn))
                .build();
        GitlabRunner runner = GitlabRunner.Builder.create(platformStack, "GitlabRunner")
                .vpc(backstage.getVpc())
                .tags(List.of("harmonix"))
                .build();
        for (String name : List.of("dev", "qa")) {
            IHarmonixEnvironment environment = HarmonixEnvironment.fromDescriptorJson(platformStack, "Environment-" + name,
                    readDescriptorJson(name + ".json"));
            backstage.addEnvironment(environment);
            runner.allowDeployTo(environment);
        }

        AppPipeline ordersPipeline = AppPipeline.Builder.create(platformStack, "OrdersPipeline")
                .appName("orders")
                .source(PipelineSource.connection(ConnectionSourceOptions.builder()
                        .connectionArn(context(app, "connectionArn", "arn:aws:codeconnections:" + platformEnv.getRegion() + ":"
                                + platformEnv.getAccount() + ":connection/6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b"))
                        .repository("shop/backend/orders")
                        .excludePaths(List.of("docs/**", "*.md"))
                        .build()))
                .appBuild(AppBuild.containerImage())
                .environments(List.of(
                        HarmonixEnvironment.fromDescriptorJson(platformStack, "OrdersDev", readDescriptorJson("dev.json")),
                        HarmonixEnvironment.fromDescriptorJson(platformStack, "OrdersQa", readDescriptorJson("qa-ecs.json"))))
                .externalId(context(app, "externalId", "harmonix-example-external-id"))
                .build();
        runner.allowPushTo(ordersPipeline.getRepository());

        Stack ecsStack = new Stack(app, "HarmonixEcsDev", StackProps.builder()
                .env(env)
                .description("harmonix-cdk example: ECS environment \"dev\"")
                .build());
        EcsEnvironment.Builder.create(ecsStack, "Dev")
                .environmentName("dev")
                .stage(1)
                .description("Development environment for container apps")
                .provisioningTrustedRoleArns(List.of(pipelineRoleArn, ordersPipeline.getProvisioningTrustedRoleArns().get("dev")))
                .operationsTrustedRoleArns(List.of(backstageRoleArn))
                .externalId(externalId)
                .sharedLoadBalancer(SharedLoadBalancerOptions.builder().certificateArn(certificateArn).build())
                .natProvider(NatProviderType.INSTANCE)
                .build();

        Stack serverlessStack = new Stack(app, "HarmonixServerlessQa", StackProps.builder()
                .env(env)
                .description("harmonix-cdk example: serverless environment \"qa\"")
                .build());
        ServerlessEnvironment.Builder.create(serverlessStack, "Qa")
                .environmentName("qa")
                .stage(2)
                .description("QA environment for Lambda and API Gateway apps")
                .provisioningTrustedRoleArns(List.of(pipelineRoleArn))
                .operationsTrustedRoleArns(List.of(backstageRoleArn))
                .externalId(externalId)
                .build();

        Stack eksStack = new Stack(app, "HarmonixEksStaging", StackProps.builder()
                .env(env)
                .description("harmonix-cdk example: EKS environment \"staging\"")
                .build());
        EksEnvironment.Builder.create(eksStack, "Staging")
                .environmentName("staging")
                .stage(2)
                .description("Staging environment for Kubernetes apps")
                .provisioningTrustedRoleArns(List.of(pipelineRoleArn))
                .operationsTrustedRoleArns(List.of(backstageRoleArn))
                .externalId(externalId)
                .appNamespaces(List.of("orders"))
                .natProvider(NatProviderType.INSTANCE)
                .build();

        // Apps' stacks, each fed only its environment's descriptor (run from the repository root).
        EnvironmentDescriptor devDescriptor = readDescriptor("dev.json");
        Stack ordersStack = new Stack(app, "HarmonixOrdersDev", StackProps.builder()
                .env(Environment.builder().account(devDescriptor.getAccount()).region(devDescriptor.getRegion()).build())
                .description("harmonix-cdk example: the orders app in the imported environment \"dev\"")
                .build());
        IHarmonixEnvironment dev = HarmonixEnvironment.fromDescriptor(ordersStack, "Dev", devDescriptor);
        EcsApplication orders = EcsApplication.Builder.create(ordersStack, "Orders")
                .environment(dev)
                .appName("orders")
                .image(ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx-unprivileged:1.27"))
                .containerPort(8080)
                .priority(10)
                .hostHeaders(List.of("orders.dev.example.com"))
                .healthCheckPath("/")
                .build();
        orders.bind(AppDatabase.Builder.create(ordersStack, "OrdersDb").environment(dev).build());
        orders.bind(AppBucket.Builder.create(ordersStack, "Invoices").environment(dev).build());

        EnvironmentDescriptor stagingDescriptor = readDescriptor("staging.json");
        Stack ordersStagingStack = new Stack(app, "HarmonixOrdersStaging", StackProps.builder()
                .env(Environment.builder().account(stagingDescriptor.getAccount()).region(stagingDescriptor.getRegion()).build())
                .description("harmonix-cdk example: the orders app in the imported EKS environment \"staging\"")
                .build());
        IHarmonixEnvironment staging = HarmonixEnvironment.fromDescriptor(ordersStagingStack, "Staging", stagingDescriptor);
        EksApplication ordersOnEks = EksApplication.Builder.create(ordersStagingStack, "Orders")
                .environment(staging)
                .appName("orders")
                .namespaceName("orders")
                .image("public.ecr.aws/nginx/nginx-unprivileged:1.27")
                .containerPort(8080)
                .hosts(List.of("orders.staging.example.com"))
                .certificate(Certificate.fromCertificateArn(ordersStagingStack, "Certificate", certificateArn))
                .healthCheckPath("/")
                .build();
        ordersOnEks.bind(AppDatabase.Builder.create(ordersStagingStack, "OrdersDb").environment(staging).build());
        ordersOnEks.bind(AppBucket.Builder.create(ordersStagingStack, "Invoices").environment(staging).build());

        EnvironmentDescriptor qaDescriptor = readDescriptor("qa.json");
        Stack shopStack = new Stack(app, "HarmonixShopQa", StackProps.builder()
                .env(Environment.builder().account(qaDescriptor.getAccount()).region(qaDescriptor.getRegion()).build())
                .description("harmonix-cdk example: the shop app in the imported environment \"qa\"")
                .build());
        IHarmonixEnvironment qa = HarmonixEnvironment.fromDescriptor(shopStack, "Qa", qaDescriptor);
        ServerlessApplication shop = ServerlessApplication.Builder.create(shopStack, "Shop")
                .environment(qa)
                .appName("shop")
                .functions(List.of(AppFunctionOptions.builder()
                        .name("api")
                        .handler("index.handler")
                        .code(Code.fromAsset("examples/functions/shop"))
                        .routes(List.of("GET /files", "GET /health"))
                        .build()))
                .build();
        shop.bind(AppBucket.Builder.create(shopStack, "Files").environment(qa).build(),
                BindOptions.builder().access(AccessLevel.READ).build());

        app.synth();
    }
}
