import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_STARTED } from './run-started';

/**
 * After the whole run: removes the cloud assemblies aws-cdk-lib wrote into the temporary folder
 * for apps the tests made without an output folder (`cdk.out*`, one per synthesis, a few MB each:
 * thousands per run), those made during this run only. Left alone, repeated runs fill the disk.
 */
export default async function tearDown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[RUN_STARTED] as number | undefined;
  if (started === undefined) return;
  const tmp = os.tmpdir();
  for (const entry of fs.readdirSync(tmp)) {
    if (!entry.startsWith('cdk.out')) continue;
    const full = path.join(tmp, entry);
    try {
      if (fs.statSync(full).mtimeMs >= started - 1000) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // Removed meanwhile, or not ours to remove.
    }
  }
}
