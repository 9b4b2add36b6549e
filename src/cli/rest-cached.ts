// The bundle route's ./rest.js (scripts/bundle.mjs makes this dist/bundle/hookvisor-app.js): it runs the
// app, hookvisor-app.cjs, with the code cache beside it (hookvisor-app.cache, made by code-cache.js) when one fits.
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache } from './code-cache.js';

type Rest = typeof import('./rest.js');
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const rest = loadWithCodeCache(here('./hookvisor-app.cjs'), here('./hookvisor-app.cache')).exports as unknown as Rest;
export const { runCli, writeStderr, flushStderr } = rest;
