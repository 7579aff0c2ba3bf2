import { Project, YamlFile } from 'projen';
import { GitHost } from './blueprint-options';
import { DeployTarget } from './environments';

/** What the catalog file says about the app. */
export interface CatalogSettings {
  readonly appName: string;
  readonly description: string;
  readonly owner: string;
  readonly system?: string;
  /** `service` for a container, `service` for an API too: Backstage's component types. */
  readonly type: string;
  readonly gitHost: GitHost;
  /** The repository's web URL, for the source location. */
  readonly repositoryUrl: string;
  /** `group/project` on the Git host. */
  readonly projectSlug: string;
  readonly targets: DeployTarget[];
}

/**
 * `catalog-info.yaml`: the app as a Backstage `Component` (owner, system, lifecycle, source
 * location and TechDocs annotations), depending on the environments it deploys to, which
 * `BackstageOnFargate` puts in the catalog as `Resource` entities of the same names.
 */
export function addCatalogInfo(project: Project, s: CatalogSettings): YamlFile {
  const production = s.targets.some(t => t.descriptor.stage >= 3);
  return new YamlFile(project, 'catalog-info.yaml', {
    obj: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: s.appName,
        description: s.description,
        tags: ['harmonix'],
        annotations: {
          [s.gitHost === GitHost.GITHUB ? 'github.com/project-slug' : 'gitlab.com/project-slug']: s.projectSlug,
          'backstage.io/source-location': `url:${s.repositoryUrl}`,
          'backstage.io/techdocs-ref': 'dir:.',
        },
      },
      spec: {
        type: s.type,
        lifecycle: production ? 'production' : 'experimental',
        owner: s.owner,
        system: s.system,
        dependsOn: s.targets.map(t => `resource:default/${t.descriptor.name}`),
      },
    },
  });
}
