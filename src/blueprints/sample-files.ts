import * as fs from 'fs';
import * as path from 'path';
import { Project, SampleFile } from 'projen';

/** The top-level `blueprints/` folder of this package: the files blueprints copy into new repos. */
export const BLUEPRINTS_DIR = path.join(__dirname, '..', '..', 'blueprints');

/**
 * Writes every file under `blueprints/<folder>/` into the project as a sample (written once,
 * then the user's), with `{{name}}` in paths and contents replaced by `tokens`.
 */
export function addSampleFiles(project: Project, folder: string, tokens: Record<string, string>): void {
  const root = path.join(BLUEPRINTS_DIR, folder);
  for (const file of listFiles(root)) {
    const contents = fs.readFileSync(path.join(root, file), 'utf8');
    new SampleFile(project, render(file, tokens, `${folder}/${file}`), { contents: render(contents, tokens, `${folder}/${file}`) });
  }
}

/** One file under `blueprints/`, rendered with `tokens`. */
export function renderFile(file: string, tokens: Record<string, string>): string {
  return render(fs.readFileSync(path.join(BLUEPRINTS_DIR, file), 'utf8'), tokens, file);
}

/** Replaces `{{name}}` with its token; a name without a token is a defect of the blueprint. */
export function render(text: string, tokens: Record<string, string>, source: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in tokens)) {
      throw new Error(`blueprint file ${source} names {{${name}}}, which no token fills.`);
    }
    return tokens[name];
  });
}

/** Files under `dir`, relative to it, in order. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(e => e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}
