import * as lambda from 'aws-cdk-lib/aws-lambda';
import { latestRuntime } from '../../src/common/lambda-runtime';

describe('latestRuntime: the newest runtime of a family the app\'s aws-cdk-lib knows', () => {
  test('with the pinned aws-cdk-lib: nodejs24.x and python3.14', () => {
    expect([latestRuntime('nodejs').name, latestRuntime('python').name]).toEqual(['nodejs24.x', 'python3.14']);
  });

  test('follows a newer aws-cdk-lib (a runtime it adds), as cdk-nag\'s AwsSolutions-L1 does; numeric order, not text order', () => {
    const added = new lambda.Runtime('nodejs100.x', lambda.RuntimeFamily.NODEJS);
    try {
      expect(latestRuntime('nodejs')).toBe(added);
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(added), 1);
    }
    expect(latestRuntime('nodejs').name).toBe('nodejs24.x');
  });

  test('a family aws-cdk-lib does not know is refused', () => {
    expect(() => latestRuntime('cobol')).toThrow('aws-cdk-lib knows no Lambda runtime of the cobol family.');
  });
});
