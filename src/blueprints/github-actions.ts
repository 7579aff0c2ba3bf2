import { IResolver, Project, YamlFile } from 'projen';

/** A GitHub Action at one release, pinned to that release's commit. */
export interface PinnedAction {
  /** `owner/name` of the action's repository. */
  readonly repository: string;
  /** The full (40 hex digits) SHA of the commit the release's tag points to. */
  readonly commit: string;
  /** The release's tag, written beside the SHA as a comment (what Dependabot and Renovate update). */
  readonly version: string;
}

/**
 * The actions the generated workflows use, each pinned to the commit of a release, as GitHub's
 * security hardening guide asks: a tag can be moved to other code, a commit cannot. The artifact
 * actions share their major version. To update one, take the commit its new tag points to
 * (`git rev-parse <tag>^{commit}` in a clone of the action) and change the version with it.
 */
export const ACTIONS = {
  checkout: { repository: 'actions/checkout', commit: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { repository: 'actions/setup-node', commit: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  uploadArtifact: { repository: 'actions/upload-artifact', commit: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { repository: 'actions/download-artifact', commit: '37930b1c2abaa49bbe596cd826c3c89aef350131', version: 'v7.0.0' },
  awsCredentials: { repository: 'aws-actions/configure-aws-credentials', commit: 'e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3' },
  ecrLogin: { repository: 'aws-actions/amazon-ecr-login', commit: '03f1aad4c6c7ffd436567f42f9384779290529bd', version: 'v2.1.7' },
} satisfies Record<string, PinnedAction>;

/** The `uses:` value of a pinned action: its repository at its commit. */
export function uses(action: PinnedAction): string {
  return `${action.repository}@${action.commit}`;
}

/**
 * A GitHub workflow, `.github/workflows/<name>.yml`, owned by projen like its other YAML files,
 * with every pinned action's version as a comment after its `uses:` (a YAML comment, which the
 * object projen renders cannot hold, so it is added to the rendered lines).
 */
export class GithubWorkflowFile extends YamlFile {
  constructor(project: Project, name: string, workflow: () => object) {
    // GitHub reads the workflow from the repository: the file is committed.
    super(project, `.github/workflows/${name}.yml`, { obj: workflow, committed: true });
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const text = super.synthesizeContent(resolver);
    if (text === undefined) return undefined;
    const versions = new Map(Object.values(ACTIONS).map(a => [uses(a), a.version]));
    return text.replace(/^(\s+(?:- )?uses: )(\S+)$/gm, (line: string, _key: string, ref: string) => {
      const version = versions.get(ref);
      if (version === undefined) {
        throw new Error(`The workflow uses ${ref}, which is not one of the actions pinned to a commit in github-actions.ts.`);
      }
      return `${line} # ${version}`;
    });
  }
}
