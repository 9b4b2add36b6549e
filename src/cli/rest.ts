// Everything the entry module (main.ts) loads once its signal handlers are in place: the bundle makes
// this its own file, dist/bundle/hookvisor-app.js, so compiling it happens inside the covered window.

export { flushStderr, writeStderr } from '../log/stderr.js';
export { runCli } from './app.js';
