import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server/main.js';

/**
 * A kept-alive connection left idle between exports (OpenTelemetry's batch processor sends every 5 s)
 * is still open when the next export comes: Node's own 5-s idle timeout closed it, and a request sent
 * as it closed failed with a reset.
 */
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {} });
});
afterAll(() => server.close());

/** Sends one request on the socket and resolves with the status line of its response. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(got)?.[1];
      if (end >= 0 && length !== undefined && got.length >= end + 4 + Number(length)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(got.slice(0, got.indexOf('\r\n')));
      }
    };
    const onClose = () => reject(new Error(`the server closed the connection (got ${JSON.stringify(got)})`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('kept-alive connections', () => {
  it('stay open past 5 s idle: the next export on them is answered', async () => {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let closedAt: number | undefined;
    socket.once('close', () => {
      closedAt = Date.now();
    });
    expect(await ask(socket)).toBe('HTTP/1.1 200 OK');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(closedAt).toBeUndefined();
    expect(await ask(socket)).toBe('HTTP/1.1 200 OK');
    socket.destroy();
  }, 20_000);
});
