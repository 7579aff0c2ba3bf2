module harmonix-cdk.dev/bindings/environments

go 1.23

require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.263.0
	github.com/aws/jsii-runtime-go v1.142.0
	github.com/harmonix-cdk/harmonix-cdk-go/harmonixcdk v0.0.0
)

// The Go module jsii-pacmak generated from this checkout.
replace github.com/harmonix-cdk/harmonix-cdk-go/harmonixcdk => ../../../dist/go/harmonixcdk
