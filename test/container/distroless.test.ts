import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeContainers, startContainer } from './helpers/container.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { installHookvisor, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

const mark = (what: string) => `[/usr/bin/node, -e, "require('fs').appendFileSync('/t/marks', '${what}\\\\n')"]`;
const MAIN = `process.on('SIGTERM', () => { require('fs').appendFileSync('/t/marks', 'main got TERM\\n'); process.exit(0); }); console.log('READY'); setInterval(() => {}, 1000);`;

describe.skipIf(NO_PODMAN)('a distroless-like rootfs: node and the libraries node and koffi load, no shell', () => {
  it('has no shell, and runs run: tasks around main, with libc through koffi as PID 1', async () => {
    const fs = rootfs('distroless');
    expect(existsSync(join(fs.dir, 'bin/sh'))).toBe(false);
    const hooks = `version: 1\nhooks:\n  preStart: [{ run: ${mark('preStart')} }]\n  preStop: [{ run: ${mark('preStop')} }]\n  postStop: [{ run: ${mark('postStop')} }]\n`;
    const c = startContainer({ rootfs: fs, hooks, command: ['/usr/bin/node', '-e', MAIN] });
    await c.waitFor('READY');
    await podman(['stop', '-t', '10', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.marks()).toEqual(['preStart', 'preStop', 'main got TERM', 'postStop']);
    expect(c.events().find((e) => e.event === 'pid1.ready')).toMatchObject({ mode: 'pid1', libc: 'libc.so.6' });
  }, 30_000);

  // The single executable is another issue's: installHookvisor is where it will go into the rootfs.
  it.todo('the single executable, alone in a distroless rootfs, runs the same stop');
  it('refuses the single executable until it is built', () => {
    expect(() => installHookvisor('/nonexistent', 'single-executable')).toThrow(/not built yet/);
  });
});

describe.skipIf(NO_PODMAN)('dry-run inside the image it will run in', () => {
  // Here there is no /bin/sh for shell:, no umount for unmount:: warnings with the task's position, exit 0.
  it('warns when a program a task needs is not in the image', async () => {
    const hooks = `version: 1\nmain: { command: [/usr/bin/node, -e, '1'] }\nhooks:\n  postStop:\n    - shell: 'echo bye'\n    - unmount: /mnt/data\n`;
    const c = startContainer({ rootfs: rootfs('distroless'), hooks, command: [], verb: 'dry-run' });
    expect(await c.exited).toBe(0);
    expect(c.stdout).toMatch(/warning .*:5:7: hooks\.postStop\[0\]: shell \(runs \/bin\/sh -c\): \/bin\/sh is not in this image/);
    expect(c.stdout).toMatch(/warning .*:6:7: hooks\.postStop\[1\]: unmount \(runs umount\): umount is not in this image/);
    // node is there: main is not warned about.
    expect(c.stdout).not.toMatch(/main\.command/);
  }, 30_000);
});
