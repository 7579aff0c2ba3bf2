// The example environments app (examples/environments.ts) in Go: same stacks, ids and props.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/harmonix-cdk/harmonix-cdk-go/harmonixcdk"
)

func context(app awscdk.App, key string, fallback string) string {
	if value, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && value != "" {
		return value
	}
	return fallback
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)

	account := context(app, "account", "111111111111")
	region := context(app, "region", "eu-west-1")
	env := &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
	pipelineRoleArn := context(app, "pipelineRoleArn", "arn:aws:iam::222222222222:role/harmonix-gitlab-runner")
	backstageRoleArn := context(app, "backstageRoleArn", "arn:aws:iam::222222222222:role/harmonix-backstage-task")
	certificateArn := context(app, "certificateArn",
		fmt.Sprintf("arn:aws:acm:%s:%s:certificate/00000000-0000-0000-0000-000000000000", region, account))
	externalID := context(app, "externalId", "harmonix-example-external-id")

	ecsStack := awscdk.NewStack(app, jsii.String("HarmonixEcsDev"), &awscdk.StackProps{
		Env:         env,
		Description: jsii.String(`harmonix-cdk example: ECS environment "dev"`),
	})
	harmonixcdk.NewEcsEnvironment(ecsStack, jsii.String("Dev"), &harmonixcdk.EcsEnvironmentProps{
		EnvironmentName:             jsii.String("dev"),
		Stage:                       jsii.Number(1),
		Description:                 jsii.String("Development environment for container apps"),
		ProvisioningTrustedRoleArns: jsii.Strings(pipelineRoleArn),
		OperationsTrustedRoleArns:   jsii.Strings(backstageRoleArn),
		ExternalId:                  jsii.String(externalID),
		SharedLoadBalancer:          &harmonixcdk.SharedLoadBalancerOptions{CertificateArn: jsii.String(certificateArn)},
	})

	serverlessStack := awscdk.NewStack(app, jsii.String("HarmonixServerlessQa"), &awscdk.StackProps{
		Env:         env,
		Description: jsii.String(`harmonix-cdk example: serverless environment "qa"`),
	})
	harmonixcdk.NewServerlessEnvironment(serverlessStack, jsii.String("Qa"), &harmonixcdk.ServerlessEnvironmentProps{
		EnvironmentName:             jsii.String("qa"),
		Stage:                       jsii.Number(2),
		Description:                 jsii.String("QA environment for Lambda and API Gateway apps"),
		ProvisioningTrustedRoleArns: jsii.Strings(pipelineRoleArn),
		OperationsTrustedRoleArns:   jsii.Strings(backstageRoleArn),
		ExternalId:                  jsii.String(externalID),
	})

	// An app's stack, fed only the descriptor (run from the repository root).
	text, err := os.ReadFile(filepath.Join("examples", "descriptors", "dev.json"))
	if err != nil {
		panic(err)
	}
	descriptor := harmonixcdk.DescriptorDocument_Parse(jsii.String(string(text)), jsii.String("dev.json"))
	appStack := awscdk.NewStack(app, jsii.String("HarmonixOrdersDev"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: descriptor.Account, Region: descriptor.Region},
		Description: jsii.String(`harmonix-cdk example: an app on the imported environment "dev"`),
	})
	dev := harmonixcdk.HarmonixEnvironment_FromDescriptor(appStack, jsii.String("Dev"), descriptor)
	devEcs := dev.Ecs()
	logGroup := awslogs.NewLogGroup(appStack, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(*dev.LogGroupPrefix() + "orders"),
		EncryptionKey: dev.KmsKey(),
		Retention:     awslogs.RetentionDays_ONE_MONTH,
	})
	taskDefinition := awsecs.NewFargateTaskDefinition(appStack, jsii.String("Task"), &awsecs.FargateTaskDefinitionProps{
		RuntimePlatform: &awsecs.RuntimePlatform{
			CpuArchitecture:       awsecs.CpuArchitecture_ARM64(),
			OperatingSystemFamily: awsecs.OperatingSystemFamily_LINUX(),
		},
	})
	taskDefinition.AddContainer(jsii.String("web"), &awsecs.ContainerDefinitionOptions{
		Image:        awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/nginx/nginx:1.27"), nil),
		PortMappings: &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(8080)}},
		Logging:      awsecs.LogDrivers_AwsLogs(&awsecs.AwsLogDriverProps{LogGroup: logGroup, StreamPrefix: jsii.String("web")}),
	})
	service := awsecs.NewFargateService(appStack, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:                    devEcs.Cluster(),
		TaskDefinition:             taskDefinition,
		CapacityProviderStrategies: devEcs.DefaultCapacityProviderStrategies(),
		CloudMapOptions:            &awsecs.CloudMapOptions{Name: jsii.String("orders"), CloudMapNamespace: devEcs.CloudMapNamespace()},
		CircuitBreaker:             &awsecs.DeploymentCircuitBreaker{Rollback: jsii.Bool(true)},
		MinHealthyPercent:          jsii.Number(100),
	})
	devEcs.SharedLoadBalancer().AddRoute(appStack, jsii.String("Web"), &harmonixcdk.SharedLoadBalancerRoute{
		Service:         service,
		Priority:        jsii.Number(10),
		ContainerName:   jsii.String("web"),
		ContainerPort:   jsii.Number(8080),
		HostHeaders:     jsii.Strings("orders.dev.example.com"),
		HealthCheckPath: jsii.String("/health"),
	})

	app.Synth(nil)
}
