import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateRepo } from '../../src/cli/create-app/repository';

/**
 * Generating the repo is bounded in time: `projen new` (with its npm install) that does not
 * finish is stopped with all it started, and create-app says so in one sentence.
 */
test('a projen new that hangs is stopped, its children too, with a sentence that says what to do', async () => {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-fake-npx-'));
  const pidFile = path.join(bin, 'child.pid');
  // A stand-in for npx whose npm install never returns: it starts a child and waits for it.
  fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\necho "installing..."\nsleep 300 &\necho $! > ${pidFile}\nwait\n`, { mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmonix-generate-'));
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved}`;
  try {
    const started = Date.now();
    await expect(generateRepo(dir, 'harmonix-node-service', 'harmonix-cdk', ['--name', 'orders'], 1500)).rejects.toThrow(
      new RegExp(`^npx --yes projen@\\S+ new --from harmonix-cdk harmonix-node-service --no-git --name orders in ${dir} did not finish in 0 minute\\(s\\) and was stopped: `
        + 'an npm install waiting on the registry is the usual cause; .*its last lines:\\ninstalling\\.\\.\\.$', 's'));
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    await new Promise(r => setTimeout(r, 200));
    // Gone, or a zombie waiting for a reaper (its parent was stopped with it): no longer running.
    const state = fs.existsSync(`/proc/${child}/status`) ? /^State:\s+(\w)/m.exec(fs.readFileSync(`/proc/${child}/status`, 'utf8'))?.[1] : 'gone';
    expect(['gone', 'Z']).toContain(state);
  } finally {
    process.env.PATH = saved;
  }
});
