/** What one step of a command did (or, under --dry-run, would do). */
export interface StepResult {
  /** What the step is about, such as `project platform/apps/orders`. */
  readonly step: string;
  /** `created`, `updated`, `exists` (left as it is), `fallback` (done another way, said why) or `planned` (--dry-run). */
  readonly status: string;
  /** One line for a person. */
  readonly detail: string;
}

/** Collects the steps of a command and reports each as it ends (on a terminal), quiet under --json. */
export class StepLog {
  public readonly steps: StepResult[] = [];

  constructor(private readonly report: ((line: string) => void) | undefined) {}

  /** Records a step and reports it. */
  public add(step: string, status: string, detail: string): void {
    this.steps.push({ step, status, detail });
    this.report?.(`${MARKS[status] ?? '-'} ${step}: ${detail}`);
  }

  /** The steps that changed something, for a message after a failure. */
  public changed(): string {
    const done = this.steps.filter(s => s.status === 'created' || s.status === 'updated').map(s => `${s.step} ${s.status}`);
    return done.length === 0 ? 'nothing was changed before it' : `done before it: ${done.join(', ')}`;
  }
}

const MARKS: Record<string, string> = { created: '+', updated: '~', exists: '=', fallback: '!', planned: '?' };
