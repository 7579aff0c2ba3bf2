import { Project, SampleFile, YamlFile } from 'projen';
import { GitHost } from './blueprint-options';
import { BlueprintSettings } from './blueprint-settings';

/**
 * `catalog-info.yaml`: the app as a Backstage `Component` (owner, system, lifecycle, source
 * location and TechDocs annotations), depending on the environments it deploys to, which
 * `BackstageOnFargate` puts in the catalog as `Resource` entities of the same names; and the
 * TechDocs site it points to (`mkdocs.yml`, `docs/index.md`).
 */
export function addCatalogInfo(project: Project, s: BlueprintSettings, componentType: string): YamlFile {
  const production = s.targets.some(t => t.stage >= 3);
  const metadata: Record<string, unknown> = {
    name: s.appName,
    description: s.description,
    tags: ['harmonix'],
    annotations: {
      [s.gitHost === GitHost.GITHUB ? 'github.com/project-slug' : 'gitlab.com/project-slug']: s.projectSlug,
      'backstage.io/source-location': `url:${s.repositoryUrl}/`,
      'backstage.io/techdocs-ref': 'dir:.',
    },
    links: [{ url: s.repositoryUrl, title: 'Repository' }],
  };
  new YamlFile(project, 'mkdocs.yml', {
    obj: { site_name: s.appName, site_description: s.description, nav: [{ Home: 'index.md' }], plugins: ['techdocs-core'] },
  });
  new SampleFile(project, 'docs/index.md', {
    contents: `# ${s.appName}\n\n${s.description}\n\nOwned by \`${s.owner}\`. The pipeline tests every change, builds the default branch once and deploys it through its environments in order; see the repository's README.\n`,
  });
  return new YamlFile(project, 'catalog-info.yaml', {
    obj: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata,
      spec: {
        type: componentType,
        lifecycle: production ? 'production' : 'experimental',
        owner: s.owner,
        system: s.system,
        dependsOn: s.targets.map(t => `resource:default/${t.name}`),
      },
    },
  });
}
