// The example environments app (examples/environments.ts) in Go: same stacks, ids and props.
package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
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

	app.Synth(nil)
}
