// The load generator of bench/overload.ts, run as a process of its own (pinned by the parent to
// cores the server does not have, where taskset exists) so that its sends do not take the server's
// CPU. As cheap per request as Node allows: raw TCP sockets, requests pre-built as bytes by the
// parent, responses read by status line and Content-Length only, no HTTP client objects.
//
// Open model (`mode: 'open'`): `rate` requests a second on a fixed schedule whatever the answers;
// each goes on an idle keep-alive socket, else a new one (up to `connections`), else waits in the
// generator's own queue (counted: the schedule slipped). Closed loop (`mode: 'closed'`):
// `connections` sockets, each sending its next request when the previous answer is read.
// Latency counts from the write; how late each write was against its schedule is kept apart.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface GeneratorJob {
  mode: 'open' | 'closed';
  port: number;
  /** Whole HTTP/1.1 requests (keep-alive), sent in turn. */
  requests: string[];
  /** Open model: requests per second. */
  rate: number;
  seconds: number;
  /** Closed loop: sockets; open model: the most sockets at once. */
  connections: number;
  /** After the last send, how long answers are waited for. */
  drainMs: number;
  /**
   * Open model: sockets connected before the schedule starts (clients already connected when the
   * surge comes, as keep-alive clients are); the rest are opened as needed.
   */
  preconnect?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface GeneratorResult {
  /** Requests scheduled (open) or sent (closed). */
  sent: number;
  /** Answers by HTTP status; 0: the socket closed or failed before an answer (or none in time). */
  byStatus: Record<string, number>;
  /** ms from write to the whole answer, per status class. */
  ok: LatencySummary;
  shed: LatencySummary;
  /** Of the 503s, how many carried Retry-After / Connection: close. */
  shedWithRetryAfter: number;
  shedWithClose: number;
  /** ms from write to the socket's close, for requests whose socket closed unanswered. */
  dropped: LatencySummary;
  /** ms from schedule to the whole answer, 200s only (open model: what a client would see). */
  okFromSchedule: LatencySummary;
  /** ms each write was late against its schedule (open model). */
  lateP99: number;
  /** Sockets opened in all; sockets closed by the server before answering. */
  socketsOpened: number;
  socketsDropped: number;
  /** Achieved rate of answers, per second of the sending window. */
  answeredPerSecond: number;
  /** ms from write to the whole answer, 200s sent after the first second (the onset left out). */
  okAfterFirstSecond: LatencySummary;
  /** Admitted (200) answers per half second of sending: count and p99 ms (where the tail is). */
  okByHalfSecond: Array<{ count: number; p99: number }>;
  /** The generator's own CPU use, as a share of one core over the run. */
  cpuShare: number;
}

function summary(values: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? NaN
      : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 10) /
        10;
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
  };
}

interface Connection {
  socket: net.Socket;
  /** Index of the request awaiting its answer, or -1. */
  pending: number;
  buffer: Buffer | undefined;
  dead: boolean;
}

export async function generate(job: GeneratorJob): Promise<GeneratorResult> {
  const payloads = job.requests.map((text) => Buffer.from(text, 'utf8'));
  const total = job.mode === 'open' ? Math.round(job.rate * job.seconds) : 10_000_000;
  const capacity = job.mode === 'open' ? total : 2_000_000;
  const scheduled = new Float64Array(capacity);
  const sentAt = new Float64Array(capacity);
  const doneAt = new Float64Array(capacity);
  const status = new Uint16Array(capacity);
  const flags = new Uint8Array(capacity); // 1: Retry-After, 2: Connection: close
  let issued = 0;
  let answered = 0;
  let socketsOpened = 0;
  let socketsDropped = 0;
  const idle: Connection[] = [];
  const backlog: number[] = [];
  let backlogHead = 0;
  let open = 0;
  let sending = true;
  const cpuStart = process.cpuUsage();
  let onSettled: () => void = () => undefined;

  const finish = (index: number, code: number, flag: number) => {
    doneAt[index] = performance.now();
    status[index] = code;
    flags[index] = flag;
    answered += 1;
    if (!sending && answered >= issued) onSettled();
  };

  const write = (connection: Connection, index: number) => {
    connection.pending = index;
    connection.socket.write(payloads[index % payloads.length]!);
    sentAt[index] = performance.now();
  };

  const release = (connection: Connection) => {
    if (connection.dead) return;
    if (job.mode === 'closed') {
      if (sending && issued < capacity) write(connection, issued++);
      return;
    }
    if (backlogHead < backlog.length) write(connection, backlog[backlogHead++]!);
    else idle.push(connection);
  };

  const onData = (connection: Connection, chunk: Buffer) => {
    let buffer = connection.buffer ? Buffer.concat([connection.buffer, chunk]) : chunk;
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
      const length = /\ncontent-length: *(\d+)/.exec(head);
      const end = headerEnd + 4 + (length ? Number(length[1]) : 0);
      if (buffer.length < end) break;
      const code = Number(head.slice(9, 12));
      const close = head.includes('\nconnection: close');
      const flag = (head.includes('\nretry-after:') ? 1 : 0) | (close ? 2 : 0);
      const index = connection.pending;
      connection.pending = -1;
      buffer = buffer.subarray(end);
      if (index >= 0) finish(index, code, flag);
      if (close) {
        connection.dead = true;
        connection.socket.destroy();
        break;
      }
      release(connection);
    }
    connection.buffer = buffer.length > 0 ? buffer : undefined;
  };

  const connect = (): Connection => {
    socketsOpened += 1;
    open += 1;
    const socket = net.connect({ port: job.port, host: '127.0.0.1', noDelay: true });
    const connection: Connection = { socket, pending: -1, buffer: undefined, dead: false };
    socket.on('data', (chunk: Buffer) => onData(connection, chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open -= 1;
      const wasDead = connection.dead;
      connection.dead = true;
      const at = idle.indexOf(connection);
      if (at >= 0) idle.splice(at, 1);
      if (connection.pending >= 0) {
        if (!wasDead) socketsDropped += 1;
        finish(connection.pending, 0, 0);
        connection.pending = -1;
      }
      // A closed-loop slot lives on in a new socket; an open-model backlog gets one too.
      if (sending && job.mode === 'closed') release(connect());
      else if (job.mode === 'open' && backlogHead < backlog.length && open < job.connections)
        release(connect());
    });
    return connection;
  };

  const dispatch = (index: number) => {
    const connection = idle.pop() ?? (open < job.connections ? connect() : undefined);
    if (connection) write(connection, index);
    else backlog.push(index);
  };

  const settled = new Promise<void>((resolve) => {
    onSettled = resolve;
  });
  if (job.mode === 'open' && (job.preconnect ?? 0) > 0) {
    const sockets = Array.from({ length: Math.min(job.preconnect!, job.connections) }, () =>
      connect(),
    );
    await Promise.all(
      sockets.map(
        (connection) =>
          new Promise<void>((resolve) => {
            connection.socket.once('connect', () => resolve());
            connection.socket.once('close', () => resolve());
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the cap: closed by now
    for (const connection of sockets) if (!connection.dead) idle.push(connection);
  }
  const start = performance.now();
  if (job.mode === 'open') {
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * job.rate));
        for (; issued < due; issued += 1) {
          scheduled[issued] = start + (issued * 1000) / job.rate;
          dispatch(issued);
        }
        if (issued < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
  } else {
    for (let i = 0; i < job.connections; i += 1) {
      scheduled[issued] = performance.now();
      write(connect(), issued++);
    }
    await new Promise((resolve) => setTimeout(resolve, job.seconds * 1000));
  }
  const window = (performance.now() - start) / 1000;
  const answeredInWindow = answered;
  sending = false;
  if (answered < issued)
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, job.drainMs))]);
  for (const connection of [...idle]) connection.socket.destroy();
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - start;

  const byStatus: Record<string, number> = {};
  const ok: number[] = [];
  const okFromSchedule: number[] = [];
  const shed: number[] = [];
  const dropped: number[] = [];
  const late: number[] = [];
  const buckets: number[][] = [];
  const okLater: number[] = [];
  let shedWithRetryAfter = 0;
  let shedWithClose = 0;
  for (let i = 0; i < issued; i += 1) {
    const done = doneAt[i]! > 0;
    const code = done ? status[i]! : 0;
    byStatus[code] = (byStatus[code] ?? 0) + 1;
    if (job.mode === 'open' && sentAt[i]! > 0) late.push(sentAt[i]! - scheduled[i]!);
    if (!done) continue;
    if (code === 0 && sentAt[i]! > 0) dropped.push(doneAt[i]! - sentAt[i]!);
    if (code === 200) {
      ok.push(doneAt[i]! - sentAt[i]!);
      const bucket = Math.floor((sentAt[i]! - start) / 500);
      if (bucket >= 2) okLater.push(doneAt[i]! - sentAt[i]!);
      (buckets[bucket] ??= []).push(doneAt[i]! - sentAt[i]!);
      okFromSchedule.push(doneAt[i]! - scheduled[i]!);
    } else if (code === 503) {
      shed.push(doneAt[i]! - sentAt[i]!);
      if (flags[i]! & 1) shedWithRetryAfter += 1;
      if (flags[i]! & 2) shedWithClose += 1;
    }
  }
  return {
    sent: issued,
    byStatus,
    ok: summary(ok),
    shed: summary(shed),
    dropped: summary(dropped),
    shedWithRetryAfter,
    shedWithClose,
    okFromSchedule: summary(job.mode === 'open' ? okFromSchedule : []),
    lateP99: summary(late).p99,
    socketsOpened,
    socketsDropped,
    answeredPerSecond: Math.round(answeredInWindow / window),
    okAfterFirstSecond: summary(okLater),
    okByHalfSecond: Array.from(buckets, (values) => {
      const { count, p99 } = summary(values ?? []);
      return { count, p99 };
    }),
    cpuShare: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100) / 100,
  };
}

// As a child process: one job from the parent over IPC, the result back, then exit.
if (process.send) {
  process.once('message', (job: GeneratorJob) => {
    void generate(job).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
