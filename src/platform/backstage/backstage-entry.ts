import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { BackstageOnFargateProps, BackstageSignIn } from './backstage-on-fargate-props';
import { createLogBucket } from '../../common/buckets';
import { acceptFindings } from '../../common/nag';

/** Backstage's port. */
export const BACKSTAGE_PORT = 7007;
/** Backstage's readiness endpoint (new backend system). */
const HEALTH_PATH = '/.backstage/health/v1/readiness';

/** What the portal's entry is made for. */
export interface PortalEntryOptions {
  readonly vpc: ec2.IVpc;
  readonly service: ecs.FargateService;
  readonly https: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * The portal's entry: an internet-facing load balancer, HTTPS with TLS 1.2+ (HTTP redirected) or
 * explicitly plain HTTP, access logs, the allowed CIDRs, sign-in when asked, and a WAF web ACL.
 */
export function createPortalEntry(scope: Construct, props: BackstageOnFargateProps, o: PortalEntryOptions): elbv2.ApplicationLoadBalancer {
  const { https, removalPolicy } = o;
  const lb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: o.vpc,
    internetFacing: true,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    dropInvalidHeaderFields: true,
    deletionProtection: o.deletionProtection,
  });
  lb.logAccessLogs(createLogBucket(scope, 'AccessLogs', {
    receives: 'access logs of the Backstage load balancer', expirationDays: 90, removalPolicy,
  }), 'backstage');
  const cidrs = props.allowedCidrs ?? ['0.0.0.0/0'];
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'Targets', {
    vpc: o.vpc,
    port: BACKSTAGE_PORT,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.IP,
    healthCheck: { path: HEALTH_PATH, healthyHttpCodes: '200' },
    deregistrationDelay: Duration.seconds(30),
    targets: [o.service.loadBalancerTarget({ containerName: 'backstage', containerPort: BACKSTAGE_PORT })],
  });
  const forward = elbv2.ListenerAction.forward([targetGroup]);
  if (https) {
    const certificate = props.certificate ?? new acm.Certificate(scope, 'Certificate', {
      domainName: props.domainName!, validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
    lb.addListener('Https', {
      port: 443,
      open: false,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultAction: signInAction(props.signIn ?? BackstageSignIn.none(), forward),
    });
    lb.addListener('HttpRedirect', {
      port: 80, open: false, defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    for (const cidr of cidrs) {
      lb.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Users of the portal');
      lb.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    if (props.hostedZone) {
      new route53.ARecord(scope, 'Alias', { zone: props.hostedZone, recordName: props.domainName, target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(lb)) });
    }
  } else {
    lb.addListener('Http', { port: 80, open: false, defaultAction: forward });
    for (const cidr of cidrs) lb.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'Users of the development portal');
  }
  if (cidrs.includes('0.0.0.0/0')) {
    acceptFindings(lb, { id: 'AwsSolutions-EC23', reason: 'The portal is for the whole company and reached from the internet, HTTPS only and behind the WAF web ACL; `allowedCidrs` narrows it.' });
  }
  protectWithWaf(scope, lb);
  return lb;
}

/** AWS's common, known-bad-inputs and IP reputation rule groups in front of the portal. */
function protectWithWaf(scope: Construct, lb: elbv2.ApplicationLoadBalancer): void {
  const groups = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'];
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'backstage', sampledRequestsEnabled: true },
    rules: groups.map((name, priority) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    })),
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: lb.loadBalancerArn, webAclArn: acl.attrArn });
}

/** The listener's default action: sign-in first, when asked, then Backstage. */
function signInAction(signIn: BackstageSignIn, forward: elbv2.ListenerAction): elbv2.ListenerAction {
  if (signIn.oidcOptions) {
    const o = signIn.oidcOptions;
    return elbv2.ListenerAction.authenticateOidc({
      issuer: o.issuer,
      authorizationEndpoint: o.authorizationEndpoint,
      tokenEndpoint: o.tokenEndpoint,
      userInfoEndpoint: o.userInfoEndpoint,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      scope: o.scope ?? 'openid',
      next: forward,
    });
  }
  if (signIn.cognitoOptions) {
    const c = signIn.cognitoOptions;
    return new elbv2Actions.AuthenticateCognitoAction({
      userPool: c.userPool, userPoolClient: c.userPoolClient, userPoolDomain: c.userPoolDomain, next: forward,
    });
  }
  return forward;
}

