import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { buildPlan } from '../../../src/plan/build.js';
import { renderPlan } from '../../../src/plan/render.js';

describe('renderPlan', () => {
  it('shows every phase, task detail, the escalation and the worst-case timeline', () => {
    const { config } = loadConfigText(
      'h.yaml',
      'env: { ID: "3" }\nstop: { forward: SIGINT, timeout: 4s }\nhooks:\n  preStart: [{ name: open, run: [cryptsetup, open, "osd-${ID}"], timeout: 1s }]\n  preStop: [{ shell: "echo drain", timeout: 500ms }]\n  postStop: [{ run: [umount, /mnt], timeout: 2s, when: signal, onFailure: abort }]\n',
    );
    const text = renderPlan(buildPlan(config, ['daemon', '--fg'], {}, { hooksFile: 'h.yaml' }));
    expect(text).toContain('main      daemon --fg   (from the command line)');
    expect(text).toContain('env       ID');
    expect(text).toContain('  1. open: cryptsetup open osd-3\n       timeout 1s, on failure abort');
    expect(text).toContain('  1. sh -c "echo drain"\n       timeout 500ms, on failure continue');
    expect(text).toContain('  1. umount /mnt\n       timeout 2s, on failure abort, when signal');
    expect(text).toContain("send SIGINT to main's process group");
    expect(text).toContain('wait up to 4s');
    // A run or shell attempt can end 400ms past its timeout: SIGKILL, the wait for it, its last output.
    expect(text).toContain('Worst-case stop: 9.3s = preStop 900ms + wait 4s + after SIGKILL 2s + postStop 2.4s');
    expect(text).toContain(`preStop   ${'█'.repeat(6)}${'·'.repeat(55)}  +0ms echo drain`);
    expect(text).toContain(`wait      ${'·'.repeat(6)}${'█'.repeat(26)}${'·'.repeat(29)}  +900ms SIGINT to main, wait up to 4s`);
    expect(text).toContain(`SIGKILL   ${'·'.repeat(32)}${'█'.repeat(13)}${'·'.repeat(16)}  +4.9s if anything is left`);
    expect(text).toContain(`postStop  ${'·'.repeat(45)}${'█'.repeat(15)}·  +6.9s umount /mnt`);
    expect(text).toContain(`exit      ${' '.repeat(60)}▲ +9.3s at the latest`);
    expect(text).not.toContain('deadline');
  });

  it('marks the grace deadline and says what it cut, or why the budget cannot fit', () => {
    const { config } = loadConfigText(
      'h.yaml',
      'stop: { timeout: 10s, gracePeriod: 17s }\nhooks:\n  preStop: [{ name: drain, sleep: 5s }]\n  postStop: [{ run: [umount, /var/lib/osd], timeout: 2s, retries: 2, retryDelay: 500ms }]\n',
    );
    const text = renderPlan(buildPlan(config, ['daemon'], {}));
    // postStop: 3 × (2s + 400ms past the timeout) + 2 × 500ms = 8.2s, reserved with the 500ms margin before 17s.
    expect(text).toContain("Grace period 17s: postStop's worst case is reserved, with a 500ms margin; SIGKILL at +6.3s at the latest");
    expect(text).toContain('  wait for main cut from 10s to 1.3s');
    expect(text).toContain(`postStop  ${'·'.repeat(29)}${'█'.repeat(29)}··│  +8.3s umount /var/lib/osd (3 attempts)`);
    expect(text).toContain(`deadline  ${' '.repeat(60)}│ 17s: the orchestrator's SIGKILL`);
    const tight = loadConfigText('h.yaml', 'stop: { gracePeriod: 3s }\nhooks:\n  postStop: [{ run: [x], timeout: 2s }]\n');
    expect(renderPlan(buildPlan(tight.config, ['daemon'], {}))).toContain(
      'ERROR: postStop needs up to 2.4s, plus 2s after SIGKILL and a 500ms margin: 4.9s, more than the 3s grace period.',
    );
  });
});
