// The HTTP benchmark's load generator: autocannon (npm), one Node process on an event loop, so that the
// generator takes a small share of the machine's two cores and the server the rest.
//
//   node bench/load.mjs '{"url": "...", "token": "...", "connections": 50, "seconds": 20,
//                         "rate": 0, "passages": true, "numbers": ["..."]}'
//
// "paths" (optional): the requests go to these paths of the URL's server in turn (the passages spread
// over several checkpoints).
// "rate" > 0 bounds the offered load (requests per second over all connections); 0 sends as fast as
// the server answers. Each passage carries its own client id; every other one names a registered
// person by ID number. Prints one JSON object: requests per second, latency percentiles, statuses.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";

const job = JSON.parse(process.argv[2]);
let sent = 0;

function body() {
  if (!job.passages) return "{}";
  sent += 1;
  const entry = {
    client_id: randomUUID().replaceAll("-", ""),
    direction: sent % 2 ? "in" : "out",
    decision: "allowed",
    temperature: "36.5",
    occurred_at: new Date().toISOString(), // as the gate page sends it (a server-timed entry costs a look-up)
  };
  if (sent % 2) entry.document_number = job.numbers[(sent * 7919) % job.numbers.length];
  else entry.name = "路人";
  return JSON.stringify(entry);
}

const result = await autocannon({
  url: job.url,
  method: "POST",
  connections: job.connections,
  duration: job.seconds,
  overallRate: job.rate || undefined,
  headers: { authorization: `Bearer ${job.token}`, "content-type": "application/json" },
  requests: [
    {
      setupRequest: (request) => {
        const path = job.paths ? job.paths[sent % job.paths.length] : request.path;
        return { ...request, body: body(), path };
      },
    },
  ],
});

const statuses = {};
for (const [key, value] of Object.entries(result.statusCodeStats || {})) statuses[key] = value.count;
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    requests_per_second: Math.round((result.requests.total / job.seconds) * 10) / 10,
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    statuses,
  }) + "\n",
);
