import { IConstruct } from 'constructs';

/**
 * Builds the error every construct in this library throws for input a user can fix: one
 * sentence naming the construct path, the prop, what is wrong and what to do instead. `where`
 * is the construct, or its path when the error comes before the construct exists.
 */
export function propError(where: IConstruct | string, prop: string, problem: string): Error {
  const path = typeof where === 'string' ? where : where.node.path;
  return new Error(`${path}: invalid \`${prop}\`: ${problem}`);
}
