export type { HttpSpec, WaitForSpec } from '../../plan/types.js';
export { runCryptClose, runDetachLoop } from './devices.js';
export { runHttp } from './http.js';
export { runSleep } from './sleep.js';
export type { KindContext, KindResult } from './types.js';
export { runUnmount, type UnmountSpec } from './unmount.js';
export { runWaitFor } from './wait-for.js';
