import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * EKS Pod Identity as the principal of a role: the pods of this account's cluster only
 * (aws:SourceAccount and aws:SourceArn), with session tags, as EKS requires.
 */
export function podIdentityPrincipal(account: string, clusterArn: string): iam.IPrincipal {
  return new iam.PrincipalWithConditions(new iam.ServicePrincipal('pods.eks.amazonaws.com'), {
    StringEquals: { 'aws:SourceAccount': account },
    ArnEquals: { 'aws:SourceArn': clusterArn },
  }).withSessionTags();
}
