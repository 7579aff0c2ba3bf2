import { normalizeTemplate, templateDifferences } from './bindings/compare';

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
