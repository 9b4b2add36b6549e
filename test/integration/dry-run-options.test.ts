import { describe, expect, it } from 'vitest';
import { runHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';

const HOOKS = `main: { command: [daemon], user: "nobody:100" }
stop: { timeout: 5s, gracePeriod: 90s }
exit: { remap: { 143: 0 } }
hooks:
  preStop:
    - sleep: 2s
    - http: { url: "http://127.0.0.1:8080/drain", method: POST, expectStatus: [200, 202], headers: { Authorization: "Bearer s3cret" } }
    - { waitFor: { port: 6800 }, timeout: 10s }
  postStop:
    - { name: unmount, run: [umount, /mnt], timeout: 2s, retries: 2, retryDelay: 500ms }
    - { run: [report], when: failure, user: nobody }
    - waitFor: { path: /run/lock }
on:
  SIGHUP: { tasks: [{ run: [reload] }] }
  SIGUSR2: { tasks: [{ sleep: 1s }], forward: false }
`;

describe('dry-run shows every task kind and option', () => {
  it('prints kinds, retries, users, when, remap, on: tasks and the budget, and never a header value', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await runHookvisor(['dry-run', '--hooks', writeFile(dir, 'hooks.yaml', HOOKS)]);
      expect(r.code).toBe(0);
      for (const line of [
        'main      daemon   (from the hooks file; as user nobody:100 (uid 65534, gid 100, groups 100, HOME /nonexistent))',
        'exit      remap 143 → 0',
        'on SIGHUP: run these tasks, then forward SIGHUP to main',
        'on SIGUSR2: run these tasks (SIGUSR2 is not forwarded)',
        '  1. sleep 2s\n       timeout 2s, on failure continue',
        '  2. http POST http://127.0.0.1:8080/drain expecting 200 or 202\n       timeout 30s, on failure continue',
        '  3. wait for 127.0.0.1:6800 to be closed\n       timeout 10s, on failure continue',
        '  1. unmount: umount /mnt\n       timeout 2s, on failure continue, retries 2 every 500ms, when always',
        '  2. report\n       timeout 30s, on failure continue, when failure, as user nobody (uid 65534, gid 65534, groups 65534, HOME /nonexistent)',
        '  3. wait for /run/lock to be gone\n       timeout 30s, on failure continue, when always',
        // postStop: (2s + 400ms) x 3 + 2 x 500ms, 30s + 400ms, 30s = 1m8.6s, reserved; SIGKILL by 90 - 0.5 - 68.6 - 2 = 18.9s.
        'Worst-case stop: 1m29.5s = preStop 18.9s + wait 0ms + after SIGKILL 2s + postStop 1m8.6s',
        "Grace period 1m30s: postStop's worst case is reserved, with a 500ms margin; SIGKILL at +18.9s at the latest",
        '  preStop cut from 42s to 18.9s',
        '  wait for main cut from 5s to 0ms',
      ]) {
        expect(r.stdout).toContain(line);
      }
      expect(r.stdout).toMatch(/^preStop {3}[█·│]+ {2}\+0ms sleep 2s$/m);
      expect(r.stdout).toMatch(/^postStop {2}[█·│]+ {2}\+20.9s unmount \(3 attempts\)$/m);
      expect(r.stdout).toMatch(/^deadline {2} +│ 1m30s: the orchestrator's SIGKILL$/m);
      expect(r.stdout).not.toContain('s3cret');
    } finally {
      cleanup();
    }
  });
});
