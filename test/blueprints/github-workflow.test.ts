import * as path from 'path';
import { actionlintSelfHosted, zizmor } from './workflow-lint';
import { CiCredentials, GitHost } from '../../src';
import { actionlint, BLUEPRINTS, descriptorText, generate, Pjid, PJIDS, readText, readYaml } from '../fixtures/blueprints';

/**
 * The GitHub workflow every blueprint writes is hardened as GitHub's security hardening guide
 * asks, and zizmor, at its default settings, finds nothing in it: whatever the options.
 */

const WORKFLOW = '.github/workflows/pipeline.yml';
/** A `uses:` line: an action at a full commit SHA, its release's tag in a comment. */
const PINNED_USES = /^\s+(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+){0,2})$/;
const RUNNER_TAGS = ['harmonix', 'arm64'];

interface Variant {
  readonly environments: 'none' | 'three';
  readonly options: object;
  readonly selfHosted?: boolean;
}
const VARIANTS: Record<string, Variant> = {
  'OIDC, three environments': { environments: 'three', options: {} },
  'OIDC, its own audience, build role and image repository': {
    environments: 'three',
    options: {
      oidcAudience: 'harmonix',
      imageRepositoryUri: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/shop/orders',
      buildRoleArn: 'arn:aws:iam::222222222222:role/orders-build',
    },
  },
  'self-hosted runners with their instance role': {
    environments: 'three', options: { ciCredentials: CiCredentials.INSTANCE_ROLE, runnerTags: RUNNER_TAGS }, selfHosted: true,
  },
  'no environment yet (test and build only)': { environments: 'none', options: {} },
};

function environments(pjid: Pjid, which: Variant['environments']): Record<string, string> {
  const kind = BLUEPRINTS[pjid].kind;
  return which === 'none' ? {} : {
    dev: descriptorText(kind, 'dev', 1),
    staging: descriptorText(kind, 'staging', 2),
    prod: descriptorText(kind, 'prod', 3, true),
  };
}

function steps(wf: any): Array<{ job: string; step: any }> {
  return Object.entries<any>(wf.jobs).flatMap(([job, j]) => (j.steps as any[]).map(step => ({ job, step })));
}

describe.each(PJIDS)('%s', pjid => {
  describe.each(Object.entries(VARIANTS))('%s', (_, variant) => {
    const oidc = !('ciCredentials' in variant.options);
    let dir: string;
    let text: string;
    let wf: any;
    beforeAll(() => {
      dir = generate(pjid, environments(pjid, variant.environments), { gitHost: GitHost.GITHUB, githubRepository: 'acme/orders', ...variant.options });
      text = readText(dir, WORKFLOW);
      wf = readYaml(dir, WORKFLOW);
    });

    test('zizmor, offline at its default settings, finds nothing; actionlint accepts it', () => {
      const file = path.join(dir, WORKFLOW);
      expect(zizmor(file)).toEqual([]);
      if (variant.selfHosted) {
        actionlintSelfHosted(file, RUNNER_TAGS);
      } else {
        actionlint(file);
      }
    });

    test('every action is pinned to a full commit SHA, its version in a comment, one pin per action; the artifact actions share their major', () => {
      const lines = text.split('\n').filter(l => /^\s+(?:- )?uses:/.test(l));
      expect(lines.length).toBe(steps(wf).filter(s => s.step.uses).length);
      const pins = new Map<string, { sha: string; version: string }>();
      for (const line of lines) {
        const match = PINNED_USES.exec(line);
        expect([line, match !== null]).toEqual([line, true]);
        const [, action, sha, version] = match!;
        expect([action, pins.get(action) ?? { sha, version }]).toEqual([action, { sha, version }]);
        pins.set(action, { sha, version });
      }
      expect(pins.has('actions/checkout')).toBe(true);
      const upload = pins.get('actions/upload-artifact');
      const download = pins.get('actions/download-artifact');
      if (upload && download) {
        expect(download.version.split('.')[0]).toBe(upload.version.split('.')[0]);
      }
    });

    test('every checkout leaves no credentials behind', () => {
      const checkouts = steps(wf).filter(s => s.step.uses?.startsWith('actions/checkout@'));
      expect(checkouts.map(s => s.job)).toEqual(Object.keys(wf.jobs));
      for (const { job, step } of checkouts) {
        expect([job, step.with?.['persist-credentials']]).toEqual([job, false]);
      }
    });

    test('every job has a time limit and its least permissions; the workflow\'s token has none by default', () => {
      expect(wf.permissions).toEqual({});
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        expect([name, Number.isInteger(job['timeout-minutes']) && job['timeout-minutes'] > 0 && job['timeout-minutes'] <= 120]).toEqual([name, true]);
        const assumesRole = (job.steps as any[]).some(s => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        expect([name, job.permissions]).toEqual([name, oidc && assumesRole ? { 'contents': 'read', 'id-token': 'write' } : { contents: 'read' }]);
      }
    });
  });
});
