// A minimal OpenAI-compatible server for benchmarks, run as its own process so that its CPU is
// not counted as Assay's. LATENCY_MS delays every answer; PORT 0 picks a free port, printed on stdout.
import http from 'node:http';

const latency = Number(process.env.LATENCY_MS ?? 0);
let calls = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    calls++;
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const last = body.messages?.at(-1)?.content ?? '';
    const payload = JSON.stringify({
      id: `cmpl-${calls}`,
      object: 'chat.completion',
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: `Answer: ${last.slice(-24)}` },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
    });
    const send = () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    };
    if (latency > 0) setTimeout(send, latency);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`fake-server: ${calls} calls\n`);
  process.exit(0);
});
