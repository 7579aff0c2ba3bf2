/**
 * What the command line and the portal need to know of each blueprint without loading projen: the
 * environment kinds it deploys to and whether its pipeline builds an image (and so needs the image
 * repository and the build role the platform registered for the app). A test holds this table to
 * the blueprints' own specs.
 */
export interface BlueprintFacts {
  readonly kinds: string[];
  readonly image: boolean;
}

const CONTAINER_SERVICE: BlueprintFacts = { kinds: ['ECS', 'EKS'], image: true };

export const BLUEPRINT_FACTS: Record<string, BlueprintFacts> = {
  'harmonix-node-service': CONTAINER_SERVICE,
  'harmonix-python-service': CONTAINER_SERVICE,
  'harmonix-java-service': CONTAINER_SERVICE,
  'harmonix-serverless-api': { kinds: ['SERVERLESS'], image: false },
};

/** Former names of blueprints, which projen and create-app still take. */
export const FORMER_BLUEPRINT_NAMES: Record<string, string> = {
  'harmonix-node-ecs': 'harmonix-node-service',
  'harmonix-python-ecs': 'harmonix-python-service',
  'harmonix-java-ecs': 'harmonix-java-service',
};

/** The facts of a blueprint by its name or former name. */
export function blueprintFacts(pjid: string): BlueprintFacts | undefined {
  return BLUEPRINT_FACTS[FORMER_BLUEPRINT_NAMES[pjid] ?? pjid];
}
