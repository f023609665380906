import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, startProcess } from '@earshot/test-kit/processes';
import { assertStartupFailure } from '@earshot/test-kit/startup-failure';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { s3Server, TEST_BUCKET } from '../support/s3-server.js';

/**
 * The real executable against a real S3 server (s3rver): a bucket that is not there, or that
 * refuses our keys, ends the start with one line naming the setting, not at the first clip.
 */
describe('earshot-server start-up with S3 storage', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let s3: Awaited<ReturnType<typeof s3Server>>;

  before(async () => {
    dir = await tempDir();
    s3 = await s3Server();
  });
  after(async () => {
    await s3.close();
    await dir.remove();
  });

  async function start(s3Settings: Record<string, unknown>) {
    const config = join(dir.path, `server-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir.path, 'data'),
        http: { port: 0 },
        mqtt: { port: 0, host: '127.0.0.1' },
        transcription: { enabled: false },
        storage: {
          s3: {
            bucket: TEST_BUCKET,
            endpoint: s3.endpoint,
            accessKeyId: 'S3RVER',
            secretAccessKey: 'S3RVER',
            ...s3Settings,
          },
        },
      }),
    );
    return startProcess(process.execPath, [BIN.server, '--config', config], { env: { EARSHOT_LOG_LEVEL: 'warn' } });
  }

  it('a bucket that does not exist: 78, names the bucket and the setting', async () => {
    const run = await start({ bucket: 'no-such-bucket' });
    await assertStartupFailure(
      run,
      78,
      /S3 bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist \(create it, or set storage\.s3\.bucket\)/,
    );
  });

  it('credentials the store refuses: 77, without the secret', async () => {
    const run = await start({ accessKeyId: 'NOT-A-KEY', secretAccessKey: 'not-the-secret' });
    const line = await assertStartupFailure(
      run,
      77,
      /S3 bucket "earshot-test" at .* refused the credentials \(.*\): check storage\.s3\.accessKeyId and storage\.s3\.secretAccessKey/,
    );
    if (line.includes('not-the-secret')) throw new Error('the secret was shown');
  });
});
