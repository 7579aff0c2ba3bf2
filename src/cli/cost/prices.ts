/**
 * The price table of `harmonix cost`: on-demand list prices in USD.
 *
 * Source: the AWS public pricing pages of each service (aws.amazon.com/<service>/pricing),
 * on-demand, Linux, as published in 2025; transcribed into this table on 2026-11-26. These
 * machines cannot reach AWS, so the figures were not re-fetched that day: check a figure that
 * matters against the page before you rely on it, and correct it here (with the date).
 */
export const PRICE_TABLE_SOURCE = 'AWS public on-demand pricing pages (aws.amazon.com/<service>/pricing), list prices as published in 2025';
export const PRICE_TABLE_DATE = '2026-11-26';

/** Hours in the month the figures use (AWS's own convention). */
export const HOURS_PER_MONTH = 730;

/** Prices of one region. Hourly figures are per hour, monthly per month. */
export interface RegionPrices {
  readonly natGatewayHourly: number;
  readonly publicIpv4Hourly: number;
  readonly albHourly: number;
  readonly nlbHourly: number;
  readonly interfaceEndpointHourlyPerAz: number;
  readonly eksClusterHourly: number;
  readonly auroraServerlessV2AcuHourly: number;
  /** Aurora PostgreSQL/MySQL provisioned instances, by class. */
  readonly auroraInstanceHourly: Record<string, number>;
  /** RDS (non-Aurora) PostgreSQL/MySQL single-AZ instances, by class. */
  readonly rdsInstanceHourly: Record<string, number>;
  readonly rdsStorageGbMonthly: number;
  /** Fargate per vCPU-hour and per GB-hour, by CPU architecture. */
  readonly fargate: Record<'X86_64' | 'ARM64', { readonly vcpuHourly: number; readonly gbHourly: number }>;
  /** EC2 Linux on-demand, by instance type. */
  readonly ec2Hourly: Record<string, number>;
  /** EBS per GB-month, by volume type. */
  readonly ebsGbMonthly: Record<string, number>;
  readonly dynamodbWcuHourly: number;
  readonly dynamodbRcuHourly: number;
  readonly wafWebAclMonthly: number;
  readonly wafRuleMonthly: number;
  readonly kmsKeyMonthly: number;
  readonly secretMonthly: number;
  readonly hostedZoneMonthly: number;
  readonly alarmMonthly: { readonly standard: number; readonly highResolution: number; readonly composite: number };
  /** A V1 pipeline active in the month (V2 pipelines are charged by action execution minute). */
  readonly codePipelineV1Monthly: number;
}

const GLOBAL = {
  publicIpv4Hourly: 0.005,
  eksClusterHourly: 0.10,
  wafWebAclMonthly: 5.0,
  wafRuleMonthly: 1.0,
  kmsKeyMonthly: 1.0,
  secretMonthly: 0.40,
  hostedZoneMonthly: 0.50,
  alarmMonthly: { standard: 0.10, highResolution: 0.30, composite: 0.50 },
  codePipelineV1Monthly: 1.0,
};

/** The regions this table carries. */
export const PRICES: Record<string, RegionPrices> = {
  'us-east-1': {
    ...GLOBAL,
    natGatewayHourly: 0.045,
    albHourly: 0.0225,
    nlbHourly: 0.0225,
    interfaceEndpointHourlyPerAz: 0.01,
    auroraServerlessV2AcuHourly: 0.12,
    auroraInstanceHourly: { 'db.t4g.medium': 0.073, 'db.r6g.large': 0.26, 'db.r6g.xlarge': 0.519, 'db.r7g.large': 0.276 },
    rdsInstanceHourly: { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065, 'db.m6g.large': 0.152 },
    rdsStorageGbMonthly: 0.115,
    fargate: { X86_64: { vcpuHourly: 0.04048, gbHourly: 0.004445 }, ARM64: { vcpuHourly: 0.03238, gbHourly: 0.00356 } },
    ec2Hourly: {
      't4g.nano': 0.0042,
      't4g.micro': 0.0084,
      't4g.small': 0.0168,
      't4g.medium': 0.0336,
      't4g.large': 0.0672,
      't3.micro': 0.0104,
      't3.small': 0.0208,
      't3.medium': 0.0416,
      't3.large': 0.0832,
      'm7g.large': 0.0816,
      'c7g.large': 0.0725,
      'c7g.xlarge': 0.145,
      'c5.xlarge': 0.17,
      'm5.large': 0.096,
    },
    ebsGbMonthly: { gp3: 0.08, gp2: 0.10, io1: 0.125, st1: 0.045, sc1: 0.015, standard: 0.05 },
    dynamodbWcuHourly: 0.00065,
    dynamodbRcuHourly: 0.00013,
  },
  'eu-west-1': {
    ...GLOBAL,
    natGatewayHourly: 0.048,
    albHourly: 0.0252,
    nlbHourly: 0.0252,
    interfaceEndpointHourlyPerAz: 0.011,
    auroraServerlessV2AcuHourly: 0.13,
    auroraInstanceHourly: { 'db.t4g.medium': 0.08, 'db.r6g.large': 0.284, 'db.r6g.xlarge': 0.568, 'db.r7g.large': 0.302 },
    rdsInstanceHourly: { 'db.t4g.micro': 0.017, 'db.t4g.small': 0.034, 'db.t4g.medium': 0.068, 'db.m6g.large': 0.168 },
    rdsStorageGbMonthly: 0.127,
    fargate: { X86_64: { vcpuHourly: 0.04048, gbHourly: 0.004445 }, ARM64: { vcpuHourly: 0.03238, gbHourly: 0.00356 } },
    ec2Hourly: {
      't4g.nano': 0.0046,
      't4g.micro': 0.0092,
      't4g.small': 0.0184,
      't4g.medium': 0.0368,
      't4g.large': 0.0736,
      't3.micro': 0.0114,
      't3.small': 0.0228,
      't3.medium': 0.0456,
      't3.large': 0.0912,
      'm7g.large': 0.0892,
      'c7g.large': 0.0772,
      'c7g.xlarge': 0.1544,
      'c5.xlarge': 0.192,
      'm5.large': 0.107,
    },
    ebsGbMonthly: { gp3: 0.088, gp2: 0.11, io1: 0.138, st1: 0.05, sc1: 0.0168, standard: 0.055 },
    dynamodbWcuHourly: 0.000735,
    dynamodbRcuHourly: 0.000147,
  },
  'eu-central-1': {
    ...GLOBAL,
    natGatewayHourly: 0.052,
    albHourly: 0.027,
    nlbHourly: 0.027,
    interfaceEndpointHourlyPerAz: 0.012,
    auroraServerlessV2AcuHourly: 0.14,
    auroraInstanceHourly: { 'db.t4g.medium': 0.087, 'db.r6g.large': 0.31, 'db.r6g.xlarge': 0.62, 'db.r7g.large': 0.33 },
    rdsInstanceHourly: { 'db.t4g.micro': 0.019, 'db.t4g.small': 0.037, 'db.t4g.medium': 0.074, 'db.m6g.large': 0.18 },
    rdsStorageGbMonthly: 0.137,
    fargate: { X86_64: { vcpuHourly: 0.04656, gbHourly: 0.00511 }, ARM64: { vcpuHourly: 0.03725, gbHourly: 0.00409 } },
    ec2Hourly: {
      't4g.nano': 0.0048,
      't4g.micro': 0.0096,
      't4g.small': 0.0192,
      't4g.medium': 0.0384,
      't4g.large': 0.0768,
      't3.micro': 0.012,
      't3.small': 0.024,
      't3.medium': 0.048,
      't3.large': 0.096,
      'm7g.large': 0.0952,
      'c7g.large': 0.0826,
      'c7g.xlarge': 0.1652,
      'c5.xlarge': 0.194,
      'm5.large': 0.115,
    },
    ebsGbMonthly: { gp3: 0.0952, gp2: 0.119, io1: 0.149, st1: 0.054, sc1: 0.018, standard: 0.059 },
    dynamodbWcuHourly: 0.000793,
    dynamodbRcuHourly: 0.000159,
  },
};
