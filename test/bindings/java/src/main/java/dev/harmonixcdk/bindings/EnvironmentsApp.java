package dev.harmonixcdk.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.harmonixcdk.DescriptorDocument;
import dev.harmonixcdk.EcsEnvironment;
import dev.harmonixcdk.EnvironmentDescriptor;
import dev.harmonixcdk.HarmonixEnvironment;
import dev.harmonixcdk.IEcsRuntime;
import dev.harmonixcdk.IHarmonixEnvironment;
import dev.harmonixcdk.ServerlessEnvironment;
import dev.harmonixcdk.SharedLoadBalancerOptions;
import dev.harmonixcdk.SharedLoadBalancerRoute;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CloudMapOptions;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;

/** The example environments app (examples/environments.ts) in Java: same stacks, ids and props. */
public final class EnvironmentsApp {
    private EnvironmentsApp() {
    }

    private static String context(App app, String key, String fallback) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value.toString();
    }

    public static void main(final String[] args) throws IOException {
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

        Stack ecsStack = new Stack(app, "HarmonixEcsDev", StackProps.builder()
                .env(env)
                .description("harmonix-cdk example: ECS environment \"dev\"")
                .build());
        EcsEnvironment.Builder.create(ecsStack, "Dev")
                .environmentName("dev")
                .stage(1)
                .description("Development environment for container apps")
                .provisioningTrustedRoleArns(List.of(pipelineRoleArn))
                .operationsTrustedRoleArns(List.of(backstageRoleArn))
                .externalId(externalId)
                .sharedLoadBalancer(SharedLoadBalancerOptions.builder().certificateArn(certificateArn).build())
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

        // An app's stack, fed only the descriptor (run from the repository root).
        EnvironmentDescriptor descriptor = DescriptorDocument.parse(
                Files.readString(Path.of("examples", "descriptors", "dev.json"), StandardCharsets.UTF_8), "dev.json");
        Stack appStack = new Stack(app, "HarmonixOrdersDev", StackProps.builder()
                .env(Environment.builder().account(descriptor.getAccount()).region(descriptor.getRegion()).build())
                .description("harmonix-cdk example: an app on the imported environment \"dev\"")
                .build());
        IHarmonixEnvironment dev = HarmonixEnvironment.fromDescriptor(appStack, "Dev", descriptor);
        IEcsRuntime devEcs = dev.getEcs();
        LogGroup logGroup = LogGroup.Builder.create(appStack, "Logs")
                .logGroupName(dev.getLogGroupPrefix() + "orders")
                .encryptionKey(dev.getKmsKey())
                .retention(RetentionDays.ONE_MONTH)
                .build();
        FargateTaskDefinition taskDefinition = FargateTaskDefinition.Builder.create(appStack, "Task")
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .build())
                .build();
        taskDefinition.addContainer("web", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27"))
                .portMappings(List.of(PortMapping.builder().containerPort(8080).build()))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder().logGroup(logGroup).streamPrefix("web").build()))
                .build());
        FargateService service = FargateService.Builder.create(appStack, "Service")
                .cluster(devEcs.getCluster())
                .taskDefinition(taskDefinition)
                .capacityProviderStrategies(devEcs.getDefaultCapacityProviderStrategies())
                .cloudMapOptions(CloudMapOptions.builder().name("orders").cloudMapNamespace(devEcs.getCloudMapNamespace()).build())
                .circuitBreaker(DeploymentCircuitBreaker.builder().rollback(true).build())
                .minHealthyPercent(100)
                .build();
        devEcs.getSharedLoadBalancer().addRoute(appStack, "Web", SharedLoadBalancerRoute.builder()
                .service(service)
                .priority(10)
                .containerName("web")
                .containerPort(8080)
                .hostHeaders(List.of("orders.dev.example.com"))
                .healthCheckPath("/health")
                .build());

        app.synth();
    }
}
