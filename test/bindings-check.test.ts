import { normalizeTemplate, templateDifferences } from './bindings/compare';
import { missingArtifact } from './bindings/registries';

const template = () => ({
  Resources: {
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true }, Metadata: { 'aws:cdk:path': 'S/Key' } },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Key: '02b51ab524e7bcf8f477de3e71e5f9a72e448301b26ba62e9e75a14f9c55a093.zip' }, Timeout: 900 },
    },
    CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:typescript' } },
  },
  Conditions: { CDKMetadataAvailable: { 'Fn::Or': [] } },
  Outputs: { Name: { Value: 'dev' } },
});

describe('binding template comparison', () => {
  test('identical templates match', () => {
    expect(templateDifferences(template(), template())).toEqual([]);
  });

  test('construct metadata, CDK analytics and asset hashes may differ', () => {
    const other = template();
    other.Resources.Key.Metadata['aws:cdk:path'] = 'S/Key/Resource';
    other.Resources.CDKMetadata.Properties.Analytics = 'v2:deflate64:python';
    other.Resources.Fn.Properties.Code.S3Key = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.zip';
    expect(templateDifferences(template(), other)).toEqual([]);
    expect(normalizeTemplate(other).Resources.CDKMetadata).toBeUndefined();
  });

  test('a property that differs fails and is printed', () => {
    const other = template();
    other.Resources.Key.Properties.EnableKeyRotation = false;
    expect(templateDifferences(template(), other)).toEqual(['/Resources/Key/Properties/EnableKeyRotation: expected true, got false']);
  });

  test('a missing resource, an extra output and a changed type fail', () => {
    const other: any = template();
    delete other.Resources.Fn;
    other.Outputs.Extra = { Value: 'x' };
    other.Resources.Key.Type = 'AWS::KMS::ReplicaKey';
    expect(templateDifferences(template(), other)).toEqual([
      '/Resources/Key/Type: expected "AWS::KMS::Key", got "AWS::KMS::ReplicaKey"',
      '/Resources/Fn: missing',
      '/Outputs/Extra: unexpected {"Value":"x"}',
    ]);
  });

  test('a changed logical id fails', () => {
    const other: any = template();
    other.Resources.Key2 = other.Resources.Key;
    delete other.Resources.Key;
    expect(templateDifferences(template(), other)).toEqual(['/Resources/Key: missing', '/Resources/Key2: unexpected {"Type":"AWS::KMS::Key","Properties":{"EnableKeyRotation":true}}']);
  });
});

describe('registry answers that make a binding check skip', () => {
  test('the Go module proxy refusing a module version', () => {
    const output = [
      'go: downloading github.com/aws/aws-cdk-go/awscdk/v2 v2.263.0',
      'go: harmonix-cdk.dev/bindings/environments imports',
      '\tgithub.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54/jsii: github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54@v54.15.0: reading https://proxy.example/github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54/@v/v54.15.0.zip: 403 Forbidden',
      '\tserver response: This module version is not available.',
    ].join('\n');
    expect(missingArtifact('go', output)).toBe('github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54@v54.15.0');
  });

  test('Maven Central without an artifact', () => {
    const output = '[ERROR] Failed to execute goal on project environments-app: Could not resolve dependencies for project dev.harmonix-cdk.bindings:environments-app:jar:0.0.0: '
      + 'Could not find artifact software.amazon.awscdk:aws-cdk-lib:jar:2.275.0 in central (https://repo.example/maven2) -> [Help 1]';
    expect(missingArtifact('java', output)).toBe('software.amazon.awscdk:aws-cdk-lib:jar:2.275.0');
  });

  test('PyPI without a version', () => {
    const output = 'ERROR: Could not find a version that satisfies the requirement aws-cdk-lib==2.276.0 (from versions: 2.274.0, 2.275.0)\n'
      + 'ERROR: No matching distribution found for aws-cdk-lib==2.276.0';
    expect(missingArtifact('python', output)).toBe('aws-cdk-lib==2.276.0');
  });

  test('a compile error is not a missing artifact', () => {
    expect(missingArtifact('go', './main.go:12:2: undefined: harmonixcdk.NewEcsEnvironment')).toBeUndefined();
    expect(missingArtifact('java', '[ERROR] EnvironmentsApp.java:[40,17] cannot find symbol')).toBeUndefined();
    expect(missingArtifact('python', "AttributeError: module 'harmonix_cdk' has no attribute 'EcsEnvironment'")).toBeUndefined();
  });
});
