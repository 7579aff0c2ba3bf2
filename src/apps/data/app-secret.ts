import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { propError } from '../../common/errors';
import { acceptFindings } from '../../common/nag';
import { validateDescription } from '../../common/validation';
import { IHarmonixEnvironment } from '../../contract/environment';
import { appDataRemovalPolicy, bindingNameOf, environmentKey, prepareAppStack } from '../app-commons';
import { AccessLevel, IApplication, IAppResource } from '../application';

/** Properties of an `AppSecret`. */
export interface AppSecretProps {
  /** The environment whose key encrypts the secret and whose data policy keeps it. */
  readonly environment: IHarmonixEnvironment;
  /**
   * Name of the variable a binding hands over (see `AppSecret`).
   * @default - the construct id in upper snake case
   */
  readonly bindingName?: string;
  /**
   * What the secret is for (for example "API key of the payment provider").
   * @default - none
   */
  readonly description?: string;
}

/**
 * A Secrets Manager secret of an app (an API key of a third party, a signing key), encrypted
 * with the environment key, created with a generated value that its owners replace, kept or
 * deleted by the environment's data policy. It binds read-only: an ECS container gets the
 * value in `<NAME>`, a Lambda function gets `<NAME>_SECRET_ARN` and reads it at run time.
 */
export class AppSecret extends Construct implements IAppResource {
  public readonly environment: IHarmonixEnvironment;
  public readonly bindingName: string;
  public readonly defaultAccess = AccessLevel.READ;
  public readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    this.environment = props.environment;
    this.bindingName = bindingNameOf(this, props.bindingName);
    prepareAppStack(this, props.environment);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      // Secrets Manager keeps descriptions of up to 2048 characters.
      description: validateDescription(this, 'description', props.description, 2048) ?? `harmonix-cdk app secret ${this.bindingName} in ${props.environment.environmentName}`,
      encryptionKey: environmentKey(this, props.environment),
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy: appDataRemovalPolicy(props.environment),
    });
    acceptFindings(this.secret, {
      id: 'AwsSolutions-SMG4',
      reason: 'The value belongs to a third party (an API key its owners set), so only they can rotate it; ECS injects it at task start, so a rotation reaches running tasks only on their next deployment.',
    });
  }

  public bindToApp(app: IApplication, access: AccessLevel, prefix: string): void {
    if (access !== AccessLevel.READ) {
      throw propError(app, `bind(${this.node.path}).access`, 'an AppSecret binds READ only: apps read their secrets, their owners set them.');
    }
    app.addSecret(prefix, this.secret);
  }
}
