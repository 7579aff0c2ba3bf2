/**
 * Writes what the Backstage templates need of the jsii assembly (the blueprints and their
 * options) to assets/blueprints/options.json, after jsii wrote `.jsii`: the templates are then
 * made from one small file of the package, also in a checkout that has not compiled yet. A test
 * holds the committed file to the assembly.
 *
 * Usage: ts-node projenrc/blueprint-manifest.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { BLUEPRINT_MANIFEST_FILE, blueprintManifest } from '../src/common/backstage-templates';

fs.mkdirSync(path.dirname(BLUEPRINT_MANIFEST_FILE), { recursive: true });
fs.writeFileSync(BLUEPRINT_MANIFEST_FILE, `${JSON.stringify(blueprintManifest(), undefined, 2)}\n`);
