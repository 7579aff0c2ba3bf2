import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseDescriptor } from 'harmonix-cdk/lib/cli/api';
import type { FetchedDescriptor } from 'harmonix-cdk/lib/cli/api';

/** The annotation that holds an environment entity's whole descriptor (written by BackstageOnFargate). */
export const DESCRIPTOR_ANNOTATION = 'harmonix.dev/descriptor';
/** The type of the environment entities. */
export const ENVIRONMENT_TYPE = 'aws-environment';

/**
 * The descriptors of the environments the template picked, read on the server from the catalog
 * (never from the template's input) with the credentials of the user who runs the template:
 * each must be a `Resource` of type `aws-environment` that carries its descriptor.
 */
export async function environmentDescriptors(
  refs: string[],
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<FetchedDescriptor[]> {
  const descriptors: FetchedDescriptor[] = [];
  for (const given of [...new Set(refs)]) {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(given, {
          defaultKind: 'resource',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new InputError(
        `environments: "${given}" is not an entity reference (such as resource:default/dev).`,
      );
    }
    const entity: Entity | undefined = await catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) {
      throw new InputError(
        `environments: ${ref} is not in the catalog, or the user running the template may not see it: pick one of the portal's environments.`,
      );
    }
    if (
      entity.kind.toLowerCase() !== 'resource' ||
      entity.spec?.type !== ENVIRONMENT_TYPE
    ) {
      throw new InputError(
        `environments: ${ref} is not a harmonix environment (a Resource of type ${ENVIRONMENT_TYPE}): pick one of the portal's environments.`,
      );
    }
    const text = entity.metadata.annotations?.[DESCRIPTOR_ANNOTATION];
    if (!text) {
      throw new InputError(
        `environments: ${ref} has no ${DESCRIPTOR_ANNOTATION} annotation: deploy the portal (BackstageOnFargate) again, which writes it into the environment's catalog file.`,
      );
    }
    let descriptor;
    try {
      descriptor = parseDescriptor(`${ref}'s ${DESCRIPTOR_ANNOTATION}`, text);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    if (descriptor.name !== entity.metadata.name) {
      throw new InputError(
        `environments: ${ref} holds the descriptor of environment "${descriptor.name}": deploy the portal again, which writes each environment's own.`,
      );
    }
    descriptors.push({ name: descriptor.name, text, descriptor });
  }
  return descriptors;
}
