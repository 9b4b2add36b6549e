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
    expect(text).toContain('Worst-case stop: 8.5s = preStop 500ms + stop 6s + postStop 2s');
    expect(text).toMatch(/\+500ms\s+forward\s+SIGINT/);
    expect(text).toMatch(/\+4\.5s\s+SIGKILL/);
    expect(text).toMatch(/\+6\.5s\s+postStop\s+umount \/mnt/);
    expect(text).toMatch(/\+8\.5s\s+exit/);
  });
});
