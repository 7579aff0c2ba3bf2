package dev.harmonixcdk.bindings;

import java.util.List;

import dev.harmonixcdk.EcsEnvironment;
import dev.harmonixcdk.ServerlessEnvironment;
import dev.harmonixcdk.SharedLoadBalancerOptions;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/** The example environments app (examples/environments.ts) in Java: same stacks, ids and props. */
public final class EnvironmentsApp {
    private EnvironmentsApp() {
    }

    private static String context(App app, String key, String fallback) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value.toString();
    }

    public static void main(final String[] args) {
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

        app.synth();
    }
}
