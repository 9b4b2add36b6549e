import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { buildPlan } from '../../../src/plan/build.js';
import { checkImage, type ImageProbe } from '../../../src/plan/image-check.js';
import { resolveUser } from '../../../src/process/users.js';

/** An image with these executables and directories, nothing else. */
const image = (files: string[], dirs: string[] = ['/'], uids: number[] = [0]): ImageProbe => ({
  executable: (p) => files.includes(p),
  directory: (p) => dirs.includes(p),
  hasUid: (u) => uids.includes(u),
});
const plan = (config: object, argv: string[] = []) => buildPlan(configSchema.parse({ version: 1, ...config }), argv, { PATH: '/usr/bin:/bin' });

describe('checkImage: what dry-run can tell the image lacks', () => {
  it("warns, at each task, about /bin/sh for shell:, the built-ins' programs, run: programs and main", () => {
    const p = plan({
      main: { command: ['daemon'] },
      hooks: {
        preStart: [{ run: ['/opt/setup', 'x'] }, { shell: 'echo hi' }],
        postStop: [{ unmount: '/mnt' }, { cryptClose: 'data' }, { detachLoop: '/dev/loop0' }],
      },
      on: { SIGHUP: { tasks: [{ run: ['reload'] }] } },
    });
    expect(checkImage(p, image([]))).toEqual([
      { path: ['hooks', 'preStart', 0], message: 'run: /opt/setup is not in this image (no such executable file)' },
      { path: ['hooks', 'preStart', 1], message: 'shell (runs /bin/sh -c): /bin/sh is not in this image (no such executable file)' },
      { path: ['hooks', 'postStop', 0], message: 'unmount (runs umount): umount is not in this image (not found on PATH)' },
      { path: ['hooks', 'postStop', 1], message: 'cryptClose (runs cryptsetup): cryptsetup is not in this image (not found on PATH)' },
      { path: ['hooks', 'postStop', 2], message: 'detachLoop (runs losetup): losetup is not in this image (not found on PATH)' },
      { path: ['on', 'SIGHUP', 'tasks', 0], message: 'run: reload is not in this image (not found on PATH)' },
      { path: ['main', 'command'], message: 'main: daemon is not in this image (not found on PATH)' },
    ]);
  });

  it('is silent when every program is found on PATH or at its path; sleep, http and waitFor need none', () => {
    const p = plan(
      { hooks: { preStart: [{ run: ['/opt/setup'] }, { shell: 'x' }, { sleep: '1s' }, { waitFor: { port: 80 } }], postStop: [{ unmount: '/mnt' }] } },
      ['daemon'],
    );
    expect(checkImage(p, image(['/opt/setup', '/bin/sh', '/bin/umount', '/usr/bin/daemon']))).toEqual([]);
  });

  it("looks on the task's own PATH, names it, and skips a program named by a run-time variable", () => {
    const p = plan({ hooks: { preStop: [{ run: ['tool'], env: { PATH: '/opt/bin' } }, { run: ['${HOOKVISOR_MAIN_PID}'] }] } }, ['/usr/bin/daemon']);
    expect(checkImage(p, image(['/usr/bin/tool', '/usr/bin/daemon']))).toEqual([
      { path: ['hooks', 'preStop', 0], message: 'run: tool is not in this image (not found on PATH=/opt/bin)' },
    ]);
  });

  it('names main on the command line without a position', () => {
    expect(checkImage(plan({}, ['nosuch']), image([]))).toEqual([{ path: undefined, message: 'main: nosuch is not in this image (not found on PATH)' }]);
  });

  it("warns when the state directory's parent or the report's directory is missing, never about the state directory itself", () => {
    const p = plan({ state: '/var/lib/hookvisor/app', report: '/var/log/hv/stop.json' }, ['/bin/true']);
    const found = checkImage(p, image(['/bin/true'], ['/var/lib', '/var/log']));
    expect(found.map((w) => w.path)).toEqual([['state'], ['report']]);
    expect(found[0]!.message).toContain('its parent directory /var/lib/hookvisor is not in this image');
    expect(found[1]!.message).toContain('its directory /var/log/hv is not in this image');
    expect(checkImage(p, image(['/bin/true'], ['/var/lib/hookvisor', '/var/log/hv']))).toEqual([]);
  });

  it("warns about a bare uid this image's /etc/passwd does not know (a name it does not know is a config error)", () => {
    const passwd = { passwd: 'app:x:1000:1000::/home/app:/bin/sh\n', group: '' };
    const config = {
      main: { user: '1234' },
      hooks: {
        postStop: [
          { run: ['/bin/true'], user: 'app' },
          { run: ['/bin/true'], user: '4321:4321' },
        ],
      },
    };
    const p = buildPlan(configSchema.parse({ version: 1, ...config }), ['/bin/true'], {}, { resolveUser: (spec) => resolveUser(spec, passwd) });
    expect(checkImage(p, image(['/bin/true'], ['/'], [1000]))).toEqual([
      {
        path: ['hooks', 'postStop', 1, 'user'],
        message: "user 4321:4321: uid 4321 is not in this image's /etc/passwd (it runs with gid 4321 and no HOME of its own)",
      },
      { path: ['main', 'user'], message: "user 1234: uid 1234 is not in this image's /etc/passwd (it runs with gid 0 and no HOME of its own)" },
    ]);
  });
});
