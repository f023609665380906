import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in OpenAI-compatible transcription server on a free port that hears `text` in every
 * clip, without word times (as several real servers answer): for console tests, where what a clip
 * says only has to be there, not read from audio. Closed after the test.
 */
export async function transcriptionStub(t: { after(fn: () => Promise<void>): void }, text: string): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ text, words: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
