/**
 * What `create-app` needs to know of each blueprint without loading projen: the environment
 * kinds it deploys to and whether its pipeline builds an image (and so needs the image
 * repository and the build role the platform registered for the app). A test holds this
 * table to the blueprints' own specs.
 */
export interface BlueprintFacts {
  readonly kinds: string[];
  readonly image: boolean;
}

export const BLUEPRINT_FACTS: Record<string, BlueprintFacts> = {
  'harmonix-node-ecs': { kinds: ['ECS', 'EKS'], image: true },
  'harmonix-python-ecs': { kinds: ['ECS', 'EKS'], image: true },
  'harmonix-java-ecs': { kinds: ['ECS', 'EKS'], image: true },
  'harmonix-serverless-api': { kinds: ['SERVERLESS'], image: false },
};
