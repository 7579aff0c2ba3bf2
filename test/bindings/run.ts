/**
 * Proves the jsii bindings: packages the library for Python, Java and Go, builds the example
 * environments app in each language against those packages, synthesizes it, and compares every
 * template with the TypeScript example's (see compare.ts). Prints the time each language took.
 *
 * A language whose registry does not serve an artifact it needs is reported as skipped, with the
 * missing artifact named; any other failure, and any template difference, fails the run.
 *
 *   npx projen test:bindings            (BINDINGS=python,go to run some languages only)
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Template, templateDifferences } from './compare';
import { missingArtifact, NOT_SERVED } from './registries';
import { cliContext, readmeBlocks, readmeWorkFolder } from '../fixtures/readme';

const root = path.resolve(__dirname, '..', '..');
const work = path.join(root, '.cdk-bindings');
const bindings = path.join(root, 'test', 'bindings');
const context = fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf8');

/** A step failed because a registry does not serve what it needs. */
class MissingArtifact extends Error {}

interface Language {
  readonly name: 'python' | 'java' | 'go';
  /** Installs what the app needs and builds it. */
  prepare(run: Runner): void;
  /** Synthesizes the app into outdir. */
  synth(run: Runner, outdir: string): void;
  /** More programs in this language to run once the app matches; says what it ran. */
  more?(run: Runner): string;
}

type Runner = (command: string, args: string[], options?: SpawnSyncOptions) => string;

function runner(language: { name: keyof typeof NOT_SERVED | 'typescript' }): Runner {
  return (command, args, options = {}) => {
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.error || result.status !== 0) {
      const missing = language.name === 'typescript' ? undefined : missingArtifact(language.name, output);
      if (missing) {
        throw new MissingArtifact(`the registry does not serve ${missing}`);
      }
      const tail = output.trim().split('\n').slice(-25).join('\n');
      throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${tail}`);
    }
    return output;
  };
}

const synthEnv = (outdir: string) => ({ ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: context });

/**
 * Runs the language's app with HARMONIX_BLUEPRINT_DIR, so that it generates an app repo with a
 * blueprint (a projen project type through the binding), beside an environment's descriptor;
 * checks the pipeline deploys there from the tagged runners, and the blueprint's files are there.
 */
function proveBlueprint(language: string, descriptor: string, files: string[], invoke: (env: NodeJS.ProcessEnv) => void): string {
  const dir = path.join(work, `${language}-blueprint`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, '.harmonix', 'environments'), { recursive: true });
  const name = descriptor.replace(/\.json$/, '');
  fs.copyFileSync(path.join(root, 'examples', 'descriptors', descriptor), path.join(dir, '.harmonix', 'environments', descriptor));
  invoke({ ...process.env, HARMONIX_BLUEPRINT_DIR: dir, PROJEN_DISABLE_POST: 'true' });
  const ci = fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
  for (const expected of [new RegExp(`^deploy-${name}:$`, 'm'), /^ {4}- harmonix$/m, /credential_source = Ec2InstanceMetadata/]) {
    if (!expected.test(ci)) {
      throw new Error(`the ${language} blueprint's .gitlab-ci.yml does not match ${expected}`);
    }
  }
  const missing = files.filter(f => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw new Error(`the ${language} blueprint did not write ${missing.join(', ')}`);
  }
  return `, and a blueprint generated an app repo deploying to ${name}`;
}
const pacmak = (run: Runner, target: string) =>
  run(path.join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', target]);

/**
 * jsii dependencies of the library whose Java and Go packages the registries of this machine do
 * not serve (PyPI serves their Python packages; Maven Central and the Go module proxy serve them
 * to users). jsii-pacmak builds them from their npm package in the same run as the library, into
 * dist/java beside it (the Maven repository of pom.xml) and dist/go (a `replace` of go.mod).
 */
const LOCAL_JSII_DEPENDENCIES = [
  // EksEnvironment's kubectl.
  '@aws-cdk/lambda-layer-kubectl-v35',
  // The blueprints are projen project types: projen is a peer of every binding.
  'projen',
];
const pacmakWithDependencies = (run: Runner, target: 'java' | 'go') =>
  run(path.join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', target, '--outdir', 'dist', '.',
    ...LOCAL_JSII_DEPENDENCIES.map(dep => path.join('node_modules', dep))]);

const python: Language = {
  name: 'python',
  prepare(run) {
    pacmak(run, 'python');
    const wheel = fs.readdirSync(path.join(root, 'dist', 'python')).find(f => f.endsWith('.whl'));
    if (!wheel) throw new Error('jsii-pacmak wrote no wheel to dist/python');
    const venv = path.join(work, 'python-venv');
    fs.rmSync(venv, { recursive: true, force: true });
    run('python3', ['-m', 'venv', venv]);
    run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet',
      '-r', path.join(bindings, 'python', 'requirements.txt'), path.join(root, 'dist', 'python', wheel)]);
  },
  synth(run, outdir) {
    run(path.join(work, 'python-venv', 'bin', 'python'), [path.join(bindings, 'python', 'app.py')], { env: synthEnv(outdir) });
  },
  // The README's Python programs, as a user runs them: through the wheel, beside a dev.json.
  more(run) {
    const blocks = readmeBlocks('python');
    const folder = readmeWorkFolder('readme-python');
    blocks.forEach((code, i) => {
      const program = path.join(folder, `program${i + 1}.py`);
      fs.writeFileSync(program, code);
      const outdir = path.join(folder, `cdk.out.${i + 1}`);
      run(path.join(work, 'python-venv', 'bin', 'python'), [program], { cwd: folder, env: { ...synthEnv(outdir), CDK_CONTEXT_JSON: cliContext() } });
      if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
        throw new Error(`README Python program ${i + 1} synthesized nothing`);
      }
    });
    return `, and the README's ${blocks.length} Python program(s) ran`
      + proveBlueprint('python', 'dev.json', ['app/main.py', 'tests/test_main.py', 'Dockerfile', 'infra/main.ts'],
        env => run(path.join(work, 'python-venv', 'bin', 'python'), [path.join(bindings, 'python', 'app.py')], { env }));
  },
};

const java: Language = {
  name: 'java',
  prepare(run) {
    pacmakWithDependencies(run, 'java');
    // Every build is version 0.0.0: drop the copy Maven cached from an earlier run, or the app
    // would be built against that one instead of dist/java.
    run('mvn', ['-B', '-q', '-f', path.join(bindings, 'java', 'pom.xml'), 'dependency:purge-local-repository',
      '-DmanualInclude=dev.harmonix-cdk:harmonix-cdk', '-DreResolve=false']);
    const classpathFile = path.join(work, 'java.classpath');
    run('mvn', ['-B', '-q', '-f', path.join(bindings, 'java', 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`]);
    const classes = path.join(work, 'java-classes');
    fs.rmSync(classes, { recursive: true, force: true });
    const sources = path.join(bindings, 'java', 'src', 'main', 'java', 'dev', 'harmonixcdk', 'bindings', 'EnvironmentsApp.java');
    run('javac', ['-Xlint:all', '-Werror', '-d', classes, '-cp', fs.readFileSync(classpathFile, 'utf8').trim(), sources]);
  },
  synth(run, outdir) {
    const classpath = `${path.join(work, 'java-classes')}${path.delimiter}${fs.readFileSync(path.join(work, 'java.classpath'), 'utf8').trim()}`;
    run('java', ['-cp', classpath, 'dev.harmonixcdk.bindings.EnvironmentsApp'], { env: synthEnv(outdir) });
  },
  more(run) {
    const classpath = `${path.join(work, 'java-classes')}${path.delimiter}${fs.readFileSync(path.join(work, 'java.classpath'), 'utf8').trim()}`;
    return proveBlueprint('java', 'dev.json', ['pom.xml', 'src/main/java/com/acme/orders/Application.java', 'Dockerfile'],
      env => run('java', ['-cp', classpath, 'dev.harmonixcdk.bindings.EnvironmentsApp'], { env }));
  },
};

const go: Language = {
  name: 'go',
  prepare(run) {
    pacmakWithDependencies(run, 'go');
    const dir = path.join(bindings, 'go');
    run('go', ['mod', 'tidy'], { cwd: dir });
    run('go', ['vet', '.'], { cwd: dir });
    run('go', ['build', '-o', path.join(work, 'go-app'), '.'], { cwd: dir });
  },
  synth(run, outdir) {
    run(path.join(work, 'go-app'), [], { env: synthEnv(outdir) });
  },
  more(run) {
    return proveBlueprint('go', 'qa.json', ['src/handlers/api.ts', 'test/api.test.ts', 'infra/main.ts'],
      env => run(path.join(work, 'go-app'), [], { env }));
  },
};

/** Stack name -> template of a synthesized cloud assembly. */
function readAssembly(outdir: string): Map<string, Template> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = new Map<string, Template>();
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      stacks.set(name, JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8')));
    }
  }
  return stacks;
}

/** Differences between a language's assembly and the TypeScript one, per stack. */
function compareAssemblies(expected: Map<string, Template>, actual: Map<string, Template>): string[] {
  const out: string[] = [];
  for (const name of new Set([...expected.keys(), ...actual.keys()])) {
    const exp = expected.get(name);
    const act = actual.get(name);
    if (!exp || !act) {
      out.push(`${name}: ${exp ? 'missing' : 'unexpected'} stack`);
      continue;
    }
    out.push(...templateDifferences(exp, act).map(d => `${name}${d}`));
  }
  return out;
}

function main(): number {
  fs.mkdirSync(work, { recursive: true });
  const reference = path.join(work, 'typescript.out');
  fs.rmSync(reference, { recursive: true, force: true });
  const tsStart = Date.now();
  runner({ name: 'typescript' })(path.join(root, 'node_modules', '.bin', 'ts-node'),
    ['--transpile-only', '--prefer-ts-exts', '-P', 'tsconfig.dev.json', 'examples/environments.ts'], { env: synthEnv(reference) });
  const expected = readAssembly(reference);
  console.log(`typescript: reference synthesized (${[...expected.keys()].join(', ')}) in ${((Date.now() - tsStart) / 1000).toFixed(0)}s`);

  const wanted = (process.env.BINDINGS ?? 'python,java,go').split(',').map(s => s.trim());
  const results: Array<{ name: string; status: 'passed' | 'failed' | 'skipped'; seconds: number; message: string }> = [];
  for (const language of [python, java, go].filter(l => wanted.includes(l.name))) {
    const start = Date.now();
    const run = runner(language);
    const outdir = path.join(work, `${language.name}.out`);
    fs.rmSync(outdir, { recursive: true, force: true });
    let status: 'passed' | 'failed' | 'skipped' = 'passed';
    let message = 'templates match the TypeScript example';
    try {
      language.prepare(run);
      language.synth(run, outdir);
      const differences = compareAssemblies(expected, readAssembly(outdir));
      if (differences.length > 0) {
        status = 'failed';
        message = `${differences.length} template difference(s):\n    ${differences.slice(0, 50).join('\n    ')}`;
      } else if (language.more) {
        message += language.more(run);
      }
    } catch (e) {
      status = e instanceof MissingArtifact ? 'skipped' : 'failed';
      message = (e as Error).message;
    }
    const seconds = (Date.now() - start) / 1000;
    results.push({ name: language.name, status, seconds, message });
    console.log(`${language.name}: ${status.toUpperCase()} in ${seconds.toFixed(0)}s: ${message}`);
  }

  console.log('\nbindings summary');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(8)} ${r.status.padEnd(8)} ${r.seconds.toFixed(0).padStart(5)}s`);
  }
  const count = (s: string) => results.filter(r => r.status === s).length;
  console.log(`bindings: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  return count('failed') > 0 ? 1 : 0;
}

process.exitCode = main();
