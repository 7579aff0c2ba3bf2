import { SecretValue } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** An OpenID Connect identity provider that the load balancer signs users in with. */
export interface OidcSignInOptions {
  /** Issuer URL of the provider. */
  readonly issuer: string;
  /** Authorization endpoint. */
  readonly authorizationEndpoint: string;
  /** Token endpoint. */
  readonly tokenEndpoint: string;
  /** User info endpoint. */
  readonly userInfoEndpoint: string;
  /** Client id of the portal at the provider. */
  readonly clientId: string;
  /** Client secret, from Secrets Manager (never plain text in the template). */
  readonly clientSecret: SecretValue;
  /**
   * Scopes to request.
   * @default "openid"
   */
  readonly scope?: string;
}

/** A Cognito user pool that the load balancer signs users in with. */
export interface CognitoSignInOptions {
  /** The user pool. */
  readonly userPool: cognito.IUserPool;
  /** Its app client for the portal (with a secret, the load balancer's callback URL allowed). */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Its domain. */
  readonly userPoolDomain: cognito.IUserPoolDomain;
}

/**
 * Who signs users in before they reach Backstage: the load balancer, with the team's identity
 * provider (pair it with Backstage's `awsalb` auth provider), or nobody (Backstage's own
 * providers then do it).
 */
export class BackstageSignIn {
  /** The load balancer signs users in with an OIDC provider of the team's choice. */
  public static oidc(options: OidcSignInOptions): BackstageSignIn {
    return new BackstageSignIn('oidc', options, undefined);
  }

  /** The load balancer signs users in with a Cognito user pool. */
  public static cognito(options: CognitoSignInOptions): BackstageSignIn {
    return new BackstageSignIn('cognito', undefined, options);
  }

  /** No sign-in at the load balancer: Backstage's own auth providers sign users in. */
  public static none(): BackstageSignIn {
    return new BackstageSignIn('none', undefined, undefined);
  }

  /** `oidc`, `cognito` or `none`. */
  public readonly kind: string;
  /** The OIDC provider, for `oidc`. */
  public readonly oidcOptions?: OidcSignInOptions;
  /** The user pool, for `cognito`. */
  public readonly cognitoOptions?: CognitoSignInOptions;

  private constructor(kind: string, oidcOptions: OidcSignInOptions | undefined, cognitoOptions: CognitoSignInOptions | undefined) {
    this.kind = kind;
    this.oidcOptions = oidcOptions;
    this.cognitoOptions = cognitoOptions;
  }
}

/** Properties of `BackstageOnFargate`. */
export interface BackstageOnFargateProps {
  /**
   * An existing VPC with public and private subnets.
   * @default - a new VPC: 2 zones, one NAT gateway, flow logs, gateway endpoints
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Backstage's image (the team's own build), pinned to a tag or digest.
   * @default - `imageTag` of an ECR repository the construct creates (immutable tags)
   */
  readonly image?: ecs.ContainerImage;
  /**
   * Tag (such as the commit) or digest (`sha256:...`) of the portal's image in the repository the
   * construct creates; required without `image`. "latest" is refused: the repository's tags are
   * immutable and the task runs exactly the image named here.
   * @default - none; required when `image` is not given
   */
  readonly imageTag?: string;
  /**
   * Task cpu units, a size Fargate accepts.
   * @default 1024
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, a size Fargate accepts with `cpu`.
   * @default 2048
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU architecture of the image.
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Tasks when the service is created.
   * @default - `minCount`
   */
  readonly desiredCount?: number;
  /**
   * Fewest tasks.
   * @default 1
   */
  readonly minCount?: number;
  /**
   * Most tasks.
   * @default 2
   */
  readonly maxCount?: number;
  /**
   * Domain name of the portal (for example `backstage.example.com`).
   * @default - the load balancer's DNS name (then `certificate` must cover it, or `allowInsecureHttp`)
   */
  readonly domainName?: string;
  /**
   * Hosted zone of `domainName`: the construct creates a DNS-validated certificate and the alias record.
   * @default - none; give `certificate`
   */
  readonly hostedZone?: route53.IHostedZone;
  /**
   * Certificate of `domainName`.
   * @default - created in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Serve the portal over plain HTTP, for development only.
   * @default false - HTTPS is required
   */
  readonly allowInsecureHttp?: boolean;
  /**
   * IPv4 CIDR blocks that may reach the portal.
   * @default - anywhere
   */
  readonly allowedCidrs?: string[];
  /**
   * Sign-in at the load balancer.
   * @default BackstageSignIn.none()
   */
  readonly signIn?: BackstageSignIn;
  /**
   * Deletion protection of the load balancer. While it is on, deleting the stack fails at the
   * load balancer: turn it off and deploy first.
   * @default - the value of `retainData` (on, unless the portal's data goes with its stack)
   */
  readonly deletionProtection?: boolean;
  /**
   * Let Backstage's tasks send any traffic anywhere. By default they reach HTTPS (port 443)
   * anywhere (AWS APIs, the environments' accounts, GitLab, GitHub and other HTTPS
   * integrations) and the database; integrations on other ports (a Git server over SSH, an
   * LDAP directory) need this, or a rule added to `service.connections`.
   * @default false
   */
  readonly allowAllOutbound?: boolean;
  /**
   * Most Aurora capacity units of the database.
   * @default 2
   */
  readonly databaseMaxCapacity?: number;
  /**
   * Fewest Aurora capacity units; 0 pauses the database when idle.
   * @default 0
   */
  readonly databaseMinCapacity?: number;
  /**
   * Days of automated database backups (7 or more).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Keep the database (deletion protection, final snapshot), the repository and the logs when the stack is deleted.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Days between rotations of the database password (tasks read it when they start).
   * @default 30
   */
  readonly databaseRotationDays?: number;
  /**
   * More environment variables for Backstage (integration hosts, feature flags).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * More secrets for Backstage (IdP and Git integration tokens), by variable name.
   * @default - none
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };
  /**
   * Name of Backstage's task role, which the environments trust (their `operationsTrustedRoleArns`).
   * @default "harmonix-backstage-task"
   */
  readonly taskRoleName?: string;
  /**
   * Owner of the environments in the catalog (a Backstage entity reference).
   * @default "group:default/platform"
   */
  readonly environmentOwner?: string;
  /**
   * Publish the blueprints as software templates in the catalog (one `Template` per blueprint,
   * made from its options, owned by `environmentOwner`), beside the environments. Their steps run
   * the action `harmonix:create-app` of this project's scaffolder module, which the portal's
   * backend must have.
   * @default true
   */
  readonly publishTemplates?: boolean;
  /**
   * The hosts the templates' repository picker offers: those of the portal's GitLab and GitHub
   * integrations (with a port where a self-managed GitLab has one).
   * @default ["gitlab.com", "github.com"]
   */
  readonly templateRepositoryHosts?: string[];
  /**
   * Turn ECS Exec on (for debugging a running task).
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * Retention of Backstage's logs, of its database's PostgreSQL log and of the functions that
   * aws-cdk-lib adds to the stack for it.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}
