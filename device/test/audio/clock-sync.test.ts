import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockSyncProbe, type CommandRunner, parseChronyTracking } from '../../src/audio/clock-sync.js';

const CHRONY =
  'A29FC87B,ntp1.example.net,3,1767261600.123456789,-0.000123456,0.000050000,0.000200000,-1.234,0.001,0.050,0.012,0.003,64.5,Normal\n';

function runner(answers: Record<string, string | Error>): CommandRunner {
  return async (command) => {
    const answer = answers[command] ?? new Error(`spawn ${command} ENOENT`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

describe('ClockSyncProbe', () => {
  it('is unknown (null) when neither timedatectl nor chronyc answers', async () => {
    assert.deepEqual(await new ClockSyncProbe(60_000, runner({})).refresh(), { synchronized: null });
  });

  it('takes synchronisation from timedatectl and the offset from chrony', async () => {
    const probe = new ClockSyncProbe(60_000, runner({ timedatectl: 'yes\n', chronyc: CHRONY }));
    assert.deepEqual(await probe.refresh(), { synchronized: true, offsetMs: -0.123 });
    assert.deepEqual(probe.current, { synchronized: true, offsetMs: -0.123 });
  });

  it('falls back to chrony alone, and trusts timedatectl saying no', async () => {
    assert.deepEqual(await new ClockSyncProbe(60_000, runner({ chronyc: CHRONY })).refresh(), {
      synchronized: true,
      offsetMs: -0.123,
    });
    assert.deepEqual(await new ClockSyncProbe(60_000, runner({ timedatectl: 'no\n' })).refresh(), {
      synchronized: false,
    });
  });

  it('reads an unsynchronised chrony as such', () => {
    const unsynced =
      '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.0,1.0,0.0,Not synchronised';
    assert.equal(parseChronyTracking(unsynced)?.synchronized, false);
    assert.equal(parseChronyTracking('garbage'), undefined);
  });
});
