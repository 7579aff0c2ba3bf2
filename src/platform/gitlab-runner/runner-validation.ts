import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RunnerIdleSchedule } from './gitlab-runner-props';
import { propError } from '../../common/errors';
import { gitlabInstanceUrl, RUNNER_TAG } from '../../common/validation';

/** Checks the GitLab URL: HTTPS, a host name, an optional port and relative URL root; returns it without a trailing slash. */
export function validateGitlabUrl(scope: IConstruct, url: string): string {
  if (Token.isUnresolved(url)) {
    throw propError(scope, 'gitlabUrl', 'must be a literal URL: it is written into the runner\'s configuration at synth time.');
  }
  const instance = gitlabInstanceUrl(url);
  if (instance === undefined) {
    throw propError(scope, 'gitlabUrl',
      `"${url}" is not the HTTPS URL of a GitLab instance; give one such as "https://gitlab.com" or "https://gitlab.example.com/gitlab".`);
  }
  return instance;
}

/** Five unix-cron fields of letters, digits and `* , - /`. */
const CRON_PERIOD = /^[\w*,/-]+( [\w*,/-]+){4}$/;

/** Checks the idle schedules of the autoscaler. */
export function validateSchedules(scope: IConstruct, schedules: RunnerIdleSchedule[]): void {
  schedules.forEach((schedule, i) => {
    const prop = `executor.schedules[${i}]`;
    if (schedule.periods.length === 0) {
      throw propError(scope, `${prop}.periods`, 'must hold at least one unix-cron period, such as "* 8-18 * * mon-fri".');
    }
    for (const period of schedule.periods) {
      if (!CRON_PERIOD.test(period)) {
        throw propError(scope, `${prop}.periods`,
          `"${period}" is not a unix-cron period of five fields (minute hour day-of-month month day-of-week), such as "* 8-18 * * mon-fri".`);
      }
    }
    if (schedule.timezone !== undefined && !isIanaTimeZone(schedule.timezone)) {
      throw propError(scope, `${prop}.timezone`, `"${schedule.timezone}" is not an IANA time zone name such as "Europe/Berlin" or "UTC".`);
    }
  });
}

/** Checks a pinned version such as 18.5.0. */
export function validateVersion(scope: IConstruct, prop: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw propError(scope, prop, `"${version}" is not an exact version such as "18.5.0"; pin one, never "latest".`);
  }
  return version;
}

/** Checks a download: an HTTPS URL and a SHA-256 of 64 hex digits. */
export function validateDownload(scope: IConstruct, prop: string, url: string, sha256: string): void {
  if (!/^https:\/\/[^\s'"]+$/.test(url)) {
    throw propError(scope, prop, `"${url}" is not an HTTPS URL; binaries are only fetched over HTTPS.`);
  }
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw propError(scope, prop, `"${sha256}" is not a SHA-256 (64 lower-case hex digits) of the binary.`);
  }
}

/** Checks the runner's tags (GitLab tags: no commas, no surrounding spaces). */
export function validateTags(scope: IConstruct, tags: string[]): string[] {
  for (const tag of tags) {
    if (!RUNNER_TAG.test(tag)) {
      throw propError(scope, 'tags', `"${tag}" is not a runner tag; use letters, digits and . _ : / - only.`);
    }
  }
  if (new Set(tags).size !== tags.length) {
    throw propError(scope, 'tags', `names a tag twice (${tags.join(', ')}).`);
  }
  return tags;
}

/** Checks the image of jobs that name none. */
export function validateImage(scope: IConstruct, image: string): string {
  if (!/^[a-z0-9][\w./:@-]*$/i.test(image)) {
    throw propError(scope, 'defaultImage', `"${image}" is not an image reference such as "public.ecr.aws/docker/library/alpine:3.22".`);
  }
  return image;
}

/**
 * True for a time zone name of the IANA database (`Europe/Berlin`, `UTC`), as gitlab-runner loads
 * it: Node.js's Intl knows the same database and refuses names that are not in it.
 */
function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
