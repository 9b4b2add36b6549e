import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvents, ROOT } from '../helpers/hookvisor.js';
import { NO_PODMAN, podman, podmanArgv, podmanSpawn } from './helpers/podman.js';
import { copyWithLibraries, rootfs } from './helpers/rootfs.js';

const POD = join(ROOT, 'examples/kubernetes/pod.yaml');
// The pod, then its image: a new one is imported each run, and old ones would pile up in the storage.
afterAll(async () => {
  await podman(['kube', 'down', POD]);
  await podman(['rmi', '--force', '--ignore', 'localhost/my-daemon:latest']);
  await podman(['image', 'prune', '--force']); // the storage is this tier's own
});

/** my-daemon:latest, the image pod.yaml names: the distroless rootfs with hookvisor on PATH, env, rm and the daemon. */
async function importImage(): Promise<void> {
  const dir = mkdtempSync('/var/tmp/hookvisor-image-');
  try {
    cpSync(rootfs('distroless').dir, dir, { recursive: true });
    for (const bin of ['/usr/bin/env', '/usr/bin/rm']) copyWithLibraries(dir, bin, bin);
    mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
    symlinkSync('/opt/hookvisor/hookvisor.js', join(dir, 'usr/local/bin/hookvisor'));
    copyFileSync(join(ROOT, 'test/container/fixtures/my-daemon.cjs'), join(dir, 'usr/local/bin/my-daemon'));
    chmodSync(join(dir, 'usr/local/bin/my-daemon'), 0o755);
    const { argv, env } = podmanArgv(['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', '-', 'localhost/my-daemon:latest']);
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imp = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'ignore', 'inherit'] });
    tar.stdout.pipe(imp.stdin);
    expect(await new Promise((res) => imp.on('close', res))).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves once `podman logs -f` of the container has shown `text` (rejects if the log ends first). */
function logsShow(name: string, text: string): Promise<void> {
  const child = podmanSpawn(['logs', '-f', name]);
  let out = '';
  return new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes(text)) return;
      child.kill();
      res();
    });
    child.on('close', () => (out.includes(text) ? res() : rej(new Error(`the log ended before ${text}:\n${out}`))));
  });
}

describe.skipIf(NO_PODMAN)('examples/kubernetes/pod.yaml under podman kube play', () => {
  it("the ConfigMap's hooks file drains before the SIGTERM and releases the volume, inside the pod's 45s", async () => {
    await podman(['kube', 'down', POD]);
    await importImage();
    const play = await podman(['kube', 'play', '--network', 'none', POD]);
    expect(play.code, play.stderr).toBe(0);
    await logsShow('my-daemon-daemon', 'daemon: READY');
    // terminationGracePeriodSeconds: 45, as the kubelet would.
    expect((await podman(['pod', 'stop', '-t', '45', 'my-daemon'])).code).toBe(0);
    const logs = await podman(['logs', 'my-daemon-daemon']);
    expect(logs.stdout).toMatch(/daemon: POST \/drain\n(.*\n)*daemon: SIGTERM\n/);
    const ev = parseEvents(logs.stderr);
    expect(ev.find((e) => e.event === 'hook.end' && e.phase === 'preStop')).toMatchObject({ ok: true });
    expect(ev.find((e) => e.event === 'hook.end' && e.phase === 'postStop')).toMatchObject({ ok: true });
    expect(ev.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: 0 });
    expect((await podman(['inspect', '--format', '{{.State.ExitCode}}', 'my-daemon-daemon'])).stdout.trim()).toBe('0');
  }, 60_000);
});
