// The example environments app (examples/environments.ts) in Go: same stacks, ids and props.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/harmonix-cdk/harmonix-cdk-go/harmonixcdk"
)

// readDescriptorJSON reads the text of an environment descriptor of the examples.
func readDescriptorJSON(name string) string {
	text, err := os.ReadFile(filepath.Join("examples", "descriptors", name))
	if err != nil {
		panic(err)
	}
	return string(text)
}

// readDescriptor reads and parses an environment descriptor of the examples.
func readDescriptor(name string) *harmonixcdk.EnvironmentDescriptor {
	return harmonixcdk.DescriptorDocument_Parse(jsii.String(readDescriptorJSON(name)), jsii.String(name))
}

func context(app awscdk.App, key string, fallback string) string {
	if value, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && value != "" {
		return value
	}
	return fallback
}

func main() {
	defer jsii.Close()
	// With HARMONIX_BLUEPRINT_DIR, generate an app repo there with a blueprint instead (run.ts checks it).
	if dir := os.Getenv("HARMONIX_BLUEPRINT_DIR"); dir != "" {
		harmonixcdk.NewHarmonixServerlessApiProject(&harmonixcdk.HarmonixServerlessApiProjectOptions{
			Name:                 jsii.String("orders"),
			DefaultReleaseBranch: jsii.String("main"),
			Outdir:               jsii.String(dir),
			GitlabProjectPath:    jsii.String("shop/orders"),
			CiCredentials:        harmonixcdk.CiCredentials_INSTANCE_ROLE,
			RunnerTags:           jsii.Strings("harmonix"),
		}).Synth()
		return
	}
	app := awscdk.NewApp(nil)

	account := context(app, "account", "111111111111")
	region := context(app, "region", "eu-west-1")
	env := &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
	pipelineRoleArn := context(app, "pipelineRoleArn", "arn:aws:iam::222222222222:role/harmonix-gitlab-runner")
	backstageRoleArn := context(app, "backstageRoleArn", "arn:aws:iam::222222222222:role/harmonix-backstage-task")
	certificateArn := context(app, "certificateArn",
		fmt.Sprintf("arn:aws:acm:%s:%s:certificate/00000000-0000-0000-0000-000000000000", region, account))
	externalID := context(app, "externalId", "harmonix-example-external-id")

	// The platform account (examples/platform.ts): Backstage showing both environments, the GitLab
	// runners that deploy into them, and the orders app's pipeline.
	platformAccount := context(app, "platformAccount", "222222222222")
	platformStack := awscdk.NewStack(app, jsii.String("HarmonixPlatform"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: jsii.String(platformAccount), Region: jsii.String(region)},
		Description: jsii.String("harmonix-cdk example: the platform account, with Backstage and GitLab runners"),
	})
	platformCertificateArn := context(app, "platformCertificateArn",
		fmt.Sprintf("arn:aws:acm:%s:%s:certificate/11111111-2222-3333-4444-555555555555", region, platformAccount))
	backstage := harmonixcdk.NewBackstageOnFargate(platformStack, jsii.String("Backstage"), &harmonixcdk.BackstageOnFargateProps{
		ImageTag:    jsii.String(context(app, "backstageImageTag", "1.0.0")),
		DomainName:  jsii.String("backstage.example.com"),
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(platformStack, jsii.String("Certificate"), jsii.String(platformCertificateArn)),
	})
	runner := harmonixcdk.NewGitlabRunner(platformStack, jsii.String("GitlabRunner"), &harmonixcdk.GitlabRunnerProps{
		Vpc:  backstage.Vpc(),
		Tags: jsii.Strings("harmonix"),
	})
	for _, name := range []string{"dev", "qa"} {
		environment := harmonixcdk.HarmonixEnvironment_FromDescriptorJson(platformStack, jsii.String("Environment-"+name), jsii.String(readDescriptorJSON(name+".json")))
		backstage.AddEnvironment(environment)
		runner.AllowDeployTo(environment)
	}

	ordersPipeline := harmonixcdk.NewAppPipeline(platformStack, jsii.String("OrdersPipeline"), &harmonixcdk.AppPipelineProps{
		AppName: jsii.String("orders"),
		Source: harmonixcdk.PipelineSource_Connection(&harmonixcdk.ConnectionSourceOptions{
			ConnectionArn: jsii.String(context(app, "connectionArn",
				fmt.Sprintf("arn:aws:codeconnections:%s:%s:connection/6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b", region, platformAccount))),
			Repository:   jsii.String("shop/backend/orders"),
			ExcludePaths: jsii.Strings("docs/**", "*.md"),
		}),
		AppBuild: harmonixcdk.AppBuild_ContainerImage(nil),
		Environments: &[]harmonixcdk.IHarmonixEnvironment{
			harmonixcdk.HarmonixEnvironment_FromDescriptorJson(platformStack, jsii.String("OrdersDev"), jsii.String(readDescriptorJSON("dev.json"))),
			harmonixcdk.HarmonixEnvironment_FromDescriptorJson(platformStack, jsii.String("OrdersQa"), jsii.String(readDescriptorJSON("qa-ecs.json"))),
		},
		ExternalId: jsii.String(context(app, "externalId", "harmonix-example-external-id")),
	})
	runner.AllowPushTo(ordersPipeline.Repository())

	ecsStack := awscdk.NewStack(app, jsii.String("HarmonixEcsDev"), &awscdk.StackProps{
		Env:         env,
		Description: jsii.String(`harmonix-cdk example: ECS environment "dev"`),
	})
	harmonixcdk.NewEcsEnvironment(ecsStack, jsii.String("Dev"), &harmonixcdk.EcsEnvironmentProps{
		EnvironmentName:             jsii.String("dev"),
		Stage:                       jsii.Number(1),
		Description:                 jsii.String("Development environment for container apps"),
		ProvisioningTrustedRoleArns: jsii.Strings(pipelineRoleArn, *(*ordersPipeline.ProvisioningTrustedRoleArns())["dev"]),
		OperationsTrustedRoleArns:   jsii.Strings(backstageRoleArn),
		ExternalId:                  jsii.String(externalID),
		SharedLoadBalancer:          &harmonixcdk.SharedLoadBalancerOptions{CertificateArn: jsii.String(certificateArn)},
		NatProvider:                 harmonixcdk.NatProviderType_INSTANCE,
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

	eksStack := awscdk.NewStack(app, jsii.String("HarmonixEksStaging"), &awscdk.StackProps{
		Env:         env,
		Description: jsii.String(`harmonix-cdk example: EKS environment "staging"`),
	})
	harmonixcdk.NewEksEnvironment(eksStack, jsii.String("Staging"), &harmonixcdk.EksEnvironmentProps{
		EnvironmentName:             jsii.String("staging"),
		Stage:                       jsii.Number(2),
		Description:                 jsii.String("Staging environment for Kubernetes apps"),
		ProvisioningTrustedRoleArns: jsii.Strings(pipelineRoleArn),
		OperationsTrustedRoleArns:   jsii.Strings(backstageRoleArn),
		ExternalId:                  jsii.String(externalID),
		AppNamespaces:               jsii.Strings("orders"),
		NatProvider:                 harmonixcdk.NatProviderType_INSTANCE,
	})

	// Apps' stacks, each fed only its environment's descriptor (run from the repository root).
	devDescriptor := readDescriptor("dev.json")
	ordersStack := awscdk.NewStack(app, jsii.String("HarmonixOrdersDev"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: devDescriptor.Account, Region: devDescriptor.Region},
		Description: jsii.String(`harmonix-cdk example: the orders app in the imported environment "dev"`),
	})
	dev := harmonixcdk.HarmonixEnvironment_FromDescriptor(ordersStack, jsii.String("Dev"), devDescriptor)
	orders := harmonixcdk.NewEcsApplication(ordersStack, jsii.String("Orders"), &harmonixcdk.EcsApplicationProps{
		Environment:     dev,
		AppName:         jsii.String("orders"),
		Image:           awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/nginx/nginx-unprivileged:1.27"), nil),
		ContainerPort:   jsii.Number(8080),
		Priority:        jsii.Number(10),
		HostHeaders:     jsii.Strings("orders.dev.example.com"),
		HealthCheckPath: jsii.String("/"),
	})
	orders.Bind(harmonixcdk.NewAppDatabase(ordersStack, jsii.String("OrdersDb"), &harmonixcdk.AppDatabaseProps{Environment: dev}), nil)
	orders.Bind(harmonixcdk.NewAppBucket(ordersStack, jsii.String("Invoices"), &harmonixcdk.AppBucketProps{Environment: dev}), nil)

	stagingDescriptor := readDescriptor("staging.json")
	ordersStagingStack := awscdk.NewStack(app, jsii.String("HarmonixOrdersStaging"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: stagingDescriptor.Account, Region: stagingDescriptor.Region},
		Description: jsii.String(`harmonix-cdk example: the orders app in the imported EKS environment "staging"`),
	})
	staging := harmonixcdk.HarmonixEnvironment_FromDescriptor(ordersStagingStack, jsii.String("Staging"), stagingDescriptor)
	ordersOnEks := harmonixcdk.NewEksApplication(ordersStagingStack, jsii.String("Orders"), &harmonixcdk.EksApplicationProps{
		Environment:     staging,
		AppName:         jsii.String("orders"),
		NamespaceName:   jsii.String("orders"),
		Image:           jsii.String("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
		ContainerPort:   jsii.Number(8080),
		Hosts:           jsii.Strings("orders.staging.example.com"),
		Certificate:     awscertificatemanager.Certificate_FromCertificateArn(ordersStagingStack, jsii.String("Certificate"), jsii.String(certificateArn)),
		HealthCheckPath: jsii.String("/"),
	})
	ordersOnEks.Bind(harmonixcdk.NewAppDatabase(ordersStagingStack, jsii.String("OrdersDb"), &harmonixcdk.AppDatabaseProps{Environment: staging}), nil)
	ordersOnEks.Bind(harmonixcdk.NewAppBucket(ordersStagingStack, jsii.String("Invoices"), &harmonixcdk.AppBucketProps{Environment: staging}), nil)

	qaDescriptor := readDescriptor("qa.json")
	shopStack := awscdk.NewStack(app, jsii.String("HarmonixShopQa"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: qaDescriptor.Account, Region: qaDescriptor.Region},
		Description: jsii.String(`harmonix-cdk example: the shop app in the imported environment "qa"`),
	})
	qa := harmonixcdk.HarmonixEnvironment_FromDescriptor(shopStack, jsii.String("Qa"), qaDescriptor)
	shop := harmonixcdk.NewServerlessApplication(shopStack, jsii.String("Shop"), &harmonixcdk.ServerlessApplicationProps{
		Environment: qa,
		AppName:     jsii.String("shop"),
		Functions: &[]*harmonixcdk.AppFunctionOptions{{
			Name:    jsii.String("api"),
			Handler: jsii.String("index.handler"),
			Code:    awslambda.Code_FromAsset(jsii.String("examples/functions/shop"), nil),
			Routes:  jsii.Strings("GET /files", "GET /health"),
		}},
	})
	shop.Bind(harmonixcdk.NewAppBucket(shopStack, jsii.String("Files"), &harmonixcdk.AppBucketProps{Environment: qa}),
		&harmonixcdk.BindOptions{Access: harmonixcdk.AccessLevel_READ})

	app.Synth(nil)
}
