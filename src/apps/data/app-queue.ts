import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { validateIntegerRange, validateSeconds } from '../../common/validation';
import { IHarmonixEnvironment } from '../../contract/environment';
import { appDataRemovalPolicy, bindingNameOf, environmentKey, prepareAppStack } from '../app-commons';
import { AccessLevel, IApplication, IAppResource } from '../application';
import { grantExact, grantKeyVia, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS } from '../grants';

/** Properties of an `AppQueue`. */
export interface AppQueueProps {
  /** The environment whose key encrypts the queue and whose data policy keeps it. */
  readonly environment: IHarmonixEnvironment;
  /**
   * Prefix of the variables a binding hands over (`<NAME>_QUEUE_URL`, ...).
   * @default - the construct id in upper snake case
   */
  readonly bindingName?: string;
  /**
   * How long a received message stays invisible to other consumers.
   * @default Duration.seconds(30)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives after which a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the queue keeps a message.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
}

/** What consuming messages takes. */
const CONSUME_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
/** What sending messages takes. */
const SEND_ACTIONS = ['sqs:SendMessage'];

/**
 * An SQS queue of an app, with a dead-letter queue: encrypted with the environment key, TLS
 * only, kept or deleted by the environment's data policy. Binding it hands over
 * `<NAME>_QUEUE_URL`, `<NAME>_QUEUE_ARN` and `<NAME>_DEAD_LETTER_QUEUE_URL` and grants consuming
 * (`READ`) or consuming and sending (`READ_WRITE`), on both queues.
 */
export class AppQueue extends Construct implements IAppResource {
  public readonly environment: IHarmonixEnvironment;
  public readonly bindingName: string;
  public readonly defaultAccess = AccessLevel.READ_WRITE;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AppQueueProps) {
    super(scope, id);
    this.environment = props.environment;
    this.bindingName = bindingNameOf(this, props.bindingName);
    prepareAppStack(this, props.environment);
    const maxReceiveCount = validateIntegerRange(this, 'maxReceiveCount', props.maxReceiveCount ?? 5, 1, 1000);
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: environmentKey(this, props.environment),
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      removalPolicy: appDataRemovalPolicy(props.environment),
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { ...common, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: Duration.seconds(validateSeconds(this, 'visibilityTimeout', props.visibilityTimeout ?? Duration.seconds(30), 0, 43_200, 'an SQS visibility timeout')),
      retentionPeriod: Duration.seconds(validateSeconds(this, 'retentionPeriod', props.retentionPeriod ?? Duration.days(4), 60, 1_209_600, 'SQS message retention')),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
  }

  public bindToApp(app: IApplication, access: AccessLevel, prefix: string): void {
    const send = access === AccessLevel.READ_WRITE;
    grantExact(app, [...CONSUME_ACTIONS, ...(send ? SEND_ACTIONS : [])], [this.queue.queueArn, this.deadLetterQueue.queueArn]);
    grantKeyVia(app, environmentKey(this, this.environment), send ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS, 'sqs', this.environment.region);
    app.addEnvironment(`${prefix}_QUEUE_URL`, this.queue.queueUrl);
    app.addEnvironment(`${prefix}_QUEUE_ARN`, this.queue.queueArn);
    app.addEnvironment(`${prefix}_DEAD_LETTER_QUEUE_URL`, this.deadLetterQueue.queueUrl);
  }
}
