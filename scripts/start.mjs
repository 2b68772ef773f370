// `npm start`: installs and builds, then runs the local demo (see scripts/demo.mjs).
import { installAndBuild, run } from './bootstrap.mjs';

installAndBuild();
process.exit(run('node', ['scripts/demo.mjs', ...process.argv.slice(2)]));
