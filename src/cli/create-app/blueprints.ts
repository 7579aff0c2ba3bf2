// The blueprints' facts live in common/, shared with the portal's templates.
export { BLUEPRINT_FACTS, blueprintFacts, FORMER_BLUEPRINT_NAMES } from '../../common/blueprint-facts';
export type { BlueprintFacts } from '../../common/blueprint-facts';
