import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { killLeftovers, ROOT, runHookvisor, startHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';
import { orchestratorStop } from '../helpers/orchestrator.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);
afterEach(killLeftovers);

const hooksFiles = [
  'hooks.example.yaml',
  ...readdirSync(join(ROOT, 'examples'))
    .filter((d) => existsSync(join(ROOT, 'examples', d, 'hooks.yaml')))
    .map((d) => `examples/${d}/hooks.yaml`),
];

describe('examples', () => {
  it('has the seven example folders, each with hooks.yaml and README.md', () => {
    for (const name of ['ceph-osd-luks', 'nginx', 'postgres', 'python-app', 'node-app', 'kubernetes', 'compose']) {
      expect(existsSync(join(ROOT, 'examples', name, 'hooks.yaml')), name).toBe(true);
      expect(existsSync(join(ROOT, 'examples', name, 'README.md')), name).toBe(true);
    }
  });

  it.each(hooksFiles)('%s passes dry-run and names the JSON Schema for editors', async (file) => {
    const r = await runHookvisor(['dry-run', '--hooks', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const first = readFileSync(join(ROOT, file), 'utf8').split('\n')[0]!;
    const [, schemaPath] = /^# yaml-language-server: \$schema=(\S+)$/.exec(first) ?? [];
    expect(schemaPath && existsSync(join(ROOT, file, '..', schemaPath))).toBe(true);
  });

  it("keeps the Kubernetes ConfigMap's hooks file the same as the example's", () => {
    const configMap = parse(readFileSync(join(ROOT, 'examples/kubernetes/pod.yaml'), 'utf8').split('\n---\n')[0]!);
    expect(parse(configMap.data['hooks.yaml'])).toEqual(parse(readFileSync(join(ROOT, 'examples/kubernetes/hooks.yaml'), 'utf8')));
  });

  it('ceph-osd-luks closes everything after any stop and after a hard kill, with the checking built-ins', async () => {
    const hooks = parse(readFileSync(join(ROOT, 'examples/ceph-osd-luks/hooks.yaml'), 'utf8'));
    const postStop = hooks.hooks.postStop as { unmount?: string; cryptClose?: string; when?: string }[];
    expect(postStop.map((t) => t.unmount ?? t.cryptClose)).toEqual(['${OSD_DIR}', '${OSD_UUID}', '${OSD_UUID}-block', '${LOCKBOX}']);
    expect(postStop.every((t) => (t.when ?? 'always') === 'always')).toBe(true);
    const r = await runHookvisor(['dry-run', '--hooks', 'examples/ceph-osd-luks/hooks.yaml'], { env: { OSD_ID: '3' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('state     /var/lib/hookvisor/osd-3');
    expect(r.stdout).toContain("postStop's 4 task(s) with when always, failure or recovery run");
  });
});

describe('hooks.example.yaml run for real', () => {
  it("the volume's lock records main's pid while main runs, and is released after the stop", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const hv = startHookvisor(['--hooks', 'hooks.example.yaml'], { env: { TMPDIR: dir } });
      await hv.waitForEvent((e) => e.event === 'hook.end' && e.phase === 'postStart' && e.task === 'announce');
      await hv.waitFor('demo-daemon: READY');
      const main = hv.events().find((e) => e.event === 'main.start')!;
      expect(readFileSync(join(dir, 'hookvisor-demo/lock'), 'utf8')).toBe(`in use by pid ${main.pid}\n`);
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(existsSync(join(dir, 'hookvisor-demo/lock'))).toBe(false);
    } finally {
      cleanup();
    }
  }, 20_000);
});

describe.skipIf(NO_UNSHARE)('node-app: the shell-form failure next to the hookvisor fix', () => {
  it("behind the shell form's /bin/sh as PID 1 the app never hears SIGTERM and is SIGKILLed; behind hookvisor it shuts down gracefully", async () => {
    // Broken, as Dockerfile.broken's shell form: /bin/sh -c ./start.sh is PID 1 (start.sh's exec is in a child shell).
    const broken = spawn('unshare', ['--pid', '--fork', '--mount-proc', '/bin/sh', '-c', join(ROOT, 'examples/node-app/start.sh')], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    broken.stdout.on('data', (d) => (out += d));
    const brokenExit = new Promise<number | null>((resolve) => broken.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => broken.stdout.on('data', () => out.includes('listening') && resolve()));
    const pid1 = Number(readFileSync(`/proc/${broken.pid}/task/${broken.pid}/children`, 'utf8').trim().split(' ')[0]);
    process.kill(pid1, 'SIGTERM');
    // Give the signal the same 1.5s an orchestrator would, then kill the namespace as it would.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.kill(pid1, 'SIGKILL');
    await brokenExit;
    expect(out).not.toContain('graceful shutdown');

    // Fixed: the same start.sh as main under hookvisor.
    // A copy in a directory only root can write: the checkout's own permissions are not this test's subject.
    const hooks = writeFile(tempDir().dir, 'hooks.yaml', readFileSync(join(ROOT, 'examples/node-app/hooks.yaml'), 'utf8'));
    const hv = startAsPid1(['--hooks', hooks, '--', 'examples/node-app/start.sh'], { env: { PORT: '0' } });
    await hv.waitFor('listening');
    const stop = await orchestratorStop(hv, 1500, { signal: hv.signalPid1 });
    // start.sh execs node: main's status is the app's own, 0 after its graceful shutdown.
    expect(stop).toMatchObject({ killed: false, code: 0 });
    expect(hv.stdout).toContain('app: SIGTERM received, graceful shutdown');
    expect(hv.events().some((e) => e.event === 'hook.output' && e.line === 'app stopped: code=0 signal=')).toBe(true);
  }, 20_000);
});
