import { spawn } from 'node:child_process';
import type { PcmFormat } from '@earshot/shared/wav';
import type { ClipEncoder, ClipEncoding } from './clip-encoder.js';

export interface OpusEncoderOptions {
  /** Target bitrate in kbit/s (opusenc's VBR target). */
  bitrateKbps: number;
  /** The opusenc executable (opus-tools). */
  command?: string;
}

const STDERR_LIMIT = 2000;

/**
 * Ogg/Opus through `opusenc` from opus-tools, one process per clip fed raw PCM on stdin while the
 * clip is still being recorded. The reference libopus and libogg muxer of Xiph, native speed on
 * a Pi, nothing of it in the daemon's heap; see docs/audio.md for the alternatives weighed.
 */
export class OpusEncoder implements ClipEncoder {
  readonly container = 'ogg';
  readonly codec = 'opus';

  constructor(private readonly options: OpusEncoderOptions) {}

  begin(format: PcmFormat): ClipEncoding {
    const command = this.options.command ?? 'opusenc';
    const child = spawn(
      command,
      [
        '--quiet',
        '--raw',
        '--raw-bits',
        '16',
        '--raw-rate',
        String(format.sampleRate),
        '--raw-chan',
        String(format.channels),
        '--raw-endianness',
        '0',
        '--bitrate',
        String(this.options.bitrateKbps),
        '-',
        '-',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const output: Buffer[] = [];
    let stderr = '';
    let failure: Error | undefined;
    child.stdout.on('data', (data: Buffer) => output.push(data));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += text;
    });
    // A dead encoder makes stdin writes fail with EPIPE: the exit status below says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      failure = new Error(`cannot run ${command}: ${error.message}`);
    });
    const exited = new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        if (!failure && code !== 0) {
          failure = new Error(
            `${command} failed (${signal ? `signal ${signal}` : `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
          );
        }
        resolve();
      });
    });
    return {
      write(pcm) {
        if (!child.stdin.destroyed) child.stdin.write(pcm);
      },
      async finish() {
        child.stdin.end();
        await exited;
        if (failure) throw failure;
        return Buffer.concat(output);
      },
      abort() {
        child.stdin.destroy();
        child.kill('SIGKILL');
      },
    };
  }
}
