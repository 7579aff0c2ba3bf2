import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createLogBucket } from '../../common/buckets';
import { propError } from '../../common/errors';
import { acceptFindings } from '../../common/nag';
import { validateCidr, validateIntegerRange } from '../../common/validation';

/** The shared HTTPS application load balancer of an ECS environment. */
export interface SharedLoadBalancerOptions {
  /** ARN of the ACM certificate the HTTPS listener presents (in the environment's region). */
  readonly certificateArn: string;
  /**
   * Whether the load balancer faces the internet (public subnets) or only the VPC.
   * @default true
   */
  readonly internetFacing?: boolean;
  /**
   * IPv4 CIDR blocks allowed to reach ports 443 and 80 (80 only redirects to 443).
   * @default - ["0.0.0.0/0"] when internet-facing, the VPC CIDR otherwise
   */
  readonly ingressCidrs?: string[];
  /**
   * TLS policy of the HTTPS listener.
   * @default elbv2.SslPolicy.RECOMMENDED_TLS
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Days to keep access logs: a whole number from 1 to 3650 (S3 expires objects after one day at the earliest).
   * @default 90
   */
  readonly accessLogExpirationDays?: number;
  /**
   * Deletion protection of the load balancer. While it is on, `cdk destroy` of the environment
   * fails at the load balancer: turn it off and deploy first.
   * @default - on from stage 3 (production), off below
   */
  readonly deletionProtection?: boolean;
}

/** What the environment hands to the load balancer builder. */
interface SharedLoadBalancerContext {
  readonly vpc: ec2.IVpc;
  readonly removalPolicy: RemovalPolicy;
  /** Deletion protection unless the options say otherwise. */
  readonly deletionProtection: boolean;
}

/** The parts of a shared load balancer an environment keeps. */
interface SharedLoadBalancerResources {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly securityGroup: ec2.SecurityGroup;
  readonly accessLogBucket: s3.Bucket;
}

/**
 * One HTTPS application load balancer per environment that app services attach to by host
 * and path rules, instead of one load balancer per app. Unmatched requests get 404; port 80
 * redirects to 443; access logs go to a bucket of the environment.
 */
export function createSharedLoadBalancer(
  scope: Construct,
  options: SharedLoadBalancerOptions,
  context: SharedLoadBalancerContext,
): SharedLoadBalancerResources {
  if (Token.isUnresolved(Stack.of(scope).region)) {
    throw propError(scope, 'sharedLoadBalancer',
      'needs a stack with a concrete region (set `env` on the stack): load balancer access logs are delivered by a regional principal.');
  }
  checkCertificateArn(scope, options.certificateArn);
  const internetFacing = options.internetFacing ?? true;
  const cidrs = options.ingressCidrs ?? [internetFacing ? '0.0.0.0/0' : context.vpc.vpcCidrBlock];
  cidrs.forEach((cidr, i) => validateCidr(scope, `sharedLoadBalancer.ingressCidrs[${i}]`, cidr, 0, 32));
  const accessLogDays = validateIntegerRange(scope, 'sharedLoadBalancer.accessLogExpirationDays', options.accessLogExpirationDays ?? 90, 1, 3650);

  const securityGroup = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
    vpc: context.vpc,
    description: 'Shared HTTPS load balancer of the environment',
    allowAllOutbound: false,
  });
  for (const cidr of cidrs) {
    securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS');
    securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
  }
  // No egress of its own: each route (addRoute, from any app stack) adds the rule to its service's
  // security group on its container port, and removes it with the route.
  if (cidrs.includes('0.0.0.0/0')) {
    acceptFindings(securityGroup, {
      id: 'AwsSolutions-EC23',
      reason: 'The shared load balancer is the public HTTPS entry point of the environment; port 80 only redirects to 443.',
    });
  }

  const accessLogBucket = createLogBucket(scope, 'LoadBalancerAccessLogs', {
    receives: 'load balancer access logs',
    expirationDays: accessLogDays,
    removalPolicy: context.removalPolicy,
  });

  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: context.vpc,
    internetFacing,
    securityGroup,
    vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
    dropInvalidHeaderFields: true,
    deletionProtection: options.deletionProtection ?? context.deletionProtection,
  });
  loadBalancer.logAccessLogs(accessLogBucket, 'alb');

  const httpsListener = loadBalancer.addListener('Https', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [elbv2.ListenerCertificate.fromArn(options.certificateArn)],
    sslPolicy: options.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
    open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'No application here.' }),
  });
  loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });

  return { loadBalancer, httpsListener, securityGroup, accessLogBucket };
}

/** An ACM certificate of the load balancer's own account and region, or an IAM server certificate. */
function checkCertificateArn(scope: Construct, arn: string): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  const stack = Stack.of(scope);
  const acm = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[\w-]+$/.exec(arn);
  if (!acm && !/^arn:aws[a-z-]*:iam::\d{12}:server-certificate\/.+$/.test(arn)) {
    throw propError(scope, 'sharedLoadBalancer.certificateArn',
      `"${arn}" is not an ACM certificate ARN such as "arn:aws:acm:${stack.region}:${stack.account}:certificate/<id>".`);
  }
  if (acm && acm[1] !== stack.region) {
    throw propError(scope, 'sharedLoadBalancer.certificateArn', `the certificate is in ${acm[1]}, but a load balancer can only use ACM certificates of its own region ${stack.region}; request or import it there.`);
  }
  if (acm && !Token.isUnresolved(stack.account) && acm[2] !== stack.account) {
    throw propError(scope, 'sharedLoadBalancer.certificateArn', `the certificate belongs to account ${acm[2]}, but a load balancer can only use ACM certificates of its own account ${stack.account}.`);
  }
}
