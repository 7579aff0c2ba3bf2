import { IConstruct } from 'constructs';

/**
 * Builds the error every construct in this library throws for input a user can fix: one
 * sentence naming the construct path, the prop, what is wrong and what to do instead.
 */
export function propError(scope: IConstruct, prop: string, problem: string): Error {
  return new Error(`${scope.node.path}: invalid \`${prop}\`: ${problem}`);
}
