import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/**
 * Checks of the names and paths that reach load balancers, DNS and identity providers, with the
 * limits AWS applies at deployment (Elastic Load Balancing's rule conditions, Route 53's names),
 * so a bad value is refused at synthesis naming the prop.
 */

/** Elastic Load Balancing: at most 5 condition values in one listener rule, all conditions together. */
const MAX_RULE_CONDITION_VALUES = 5;

/** A DNS name in ASCII (internationalized names in their punycode form, `xn--...`). */
const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** A host-header condition value: letters, digits, "-", ".", and the wildcards "*" and "?"; 128 at most. */
const HOST_HEADER = /^[A-Za-z0-9*?.-]{1,128}$/;
/** A path-pattern condition value: starts with "/", ELB's characters, 128 at most. */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;
/** A health-check path: starts with "/", printable ASCII without spaces, 1024 at most. */
const HEALTH_CHECK_PATH = /^\/[\x21-\x7e]{0,1023}$/;

/** Checks the host headers and path patterns of one listener rule. */
export function validateRuleConditions(
  scope: IConstruct, prefix: string, hostHeaders: string[] | undefined, pathPatterns: string[] | undefined,
): void {
  const hosts = hostHeaders ?? [];
  const paths = pathPatterns ?? [];
  hosts.forEach((host, i) => {
    if (!Token.isUnresolved(host) && !HOST_HEADER.test(host)) {
      throw propError(scope, `${prefix}hostHeaders[${i}]`,
        `"${host}" is not a host header a load balancer rule matches: use 1 to 128 ASCII letters, digits, "-", "." and the wildcards "*" and "?" (an internationalized name in its xn-- form).`);
    }
  });
  paths.forEach((path, i) => {
    if (!Token.isUnresolved(path) && !PATH_PATTERN.test(path)) {
      throw propError(scope, `${prefix}pathPatterns[${i}]`,
        `"${path}" is not a path pattern a load balancer rule matches: start with "/", use at most 128 letters, digits and the characters _-.$/~"'@:+&*?.`);
    }
  });
  for (const [prop, list] of [['hostHeaders', hosts], ['pathPatterns', paths]] as const) {
    const seen = new Set<string>();
    list.forEach((value, i) => {
      const key = prop === 'hostHeaders' ? value.toLowerCase() : value;
      if (seen.has(key)) {
        throw propError(scope, `${prefix}${prop}[${i}]`, `"${value}" is given twice; name each value once.`);
      }
      seen.add(key);
    });
  }
  if (hosts.length + paths.length > MAX_RULE_CONDITION_VALUES) {
    throw propError(scope, `${prefix}hostHeaders`,
      `and \`pathPatterns\` give ${hosts.length + paths.length} values (${[...hosts, ...paths].join(', ')}); a load balancer rule takes at most ${MAX_RULE_CONDITION_VALUES} in all: use wildcards or fewer values.`);
  }
}

/** Checks a health-check path of a target group. */
export function validateHealthCheckPath(scope: IConstruct, prop: string, path: string): string {
  if (!Token.isUnresolved(path) && !HEALTH_CHECK_PATH.test(path)) {
    throw propError(scope, prop, `"${path}" is not a health-check path: start with "/" and use at most 1024 printable ASCII characters without spaces (for example "/health").`);
  }
  return path;
}

/** A host name, with a port where a server has one (`gitlab.example.com:8443`). */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** True for a host name, optionally with a port. */
export function isHostName(host: string): boolean {
  return HOST_NAME.test(host);
}

/** True for an ASCII DNS name (optionally with a leading "*." wildcard label). */
export function isDnsName(name: string): boolean {
  return DNS_NAME.test(name);
}

/**
 * Checks a domain name a certificate, a record or a load balancer will carry: lower-case ASCII
 * (an internationalized name in its punycode form), and inside `zoneName` when one is given.
 */
export function validateDomainName(scope: IConstruct, prop: string, name: string, zoneName?: string): string {
  if (Token.isUnresolved(name)) {
    return name;
  }
  if (/[^\x00-\x7f]/.test(name)) {
    throw propError(scope, prop, `"${name}" is not ASCII: give an internationalized domain in its punycode form (xn--...), as DNS and certificates carry it.`);
  }
  if (!isDnsName(name)) {
    throw propError(scope, prop, `"${name}" is not a domain name: use lower-case labels of letters, digits and hyphens, separated by dots (for example "backstage.example.com").`);
  }
  if (zoneName !== undefined && !Token.isUnresolved(zoneName)) {
    const zone = zoneName.replace(/\.$/, '').toLowerCase();
    if (name !== zone && !name.endsWith(`.${zone}`)) {
      throw propError(scope, prop, `"${name}" is outside the hosted zone ${zone}: give a name in that zone, or the zone that holds the name.`);
    }
  }
  return name;
}

/** Checks an https:// URL (identity provider endpoints, issuers). */
export function validateHttpsUrl(scope: IConstruct, prop: string, url: string): string {
  if (Token.isUnresolved(url)) {
    return url;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname || parsed.username || parsed.password) {
    throw propError(scope, prop, `"${url}" is not an https:// URL: the load balancer talks to identity providers over TLS only (for example "https://login.example.com/oauth2/token").`);
  }
  return url;
}
