/**
 * Plumbing shared by the fake Bot API servers (telegram-fake.ts, zalo-fake.ts): request
 * parsing, JSON answers, sliding-window rate limiting, cancellable sleeps and webhook
 * delivery with re-sends. Only `node:http` / `node:https`, no frameworks.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request parameters merged from the query string and the body. */
export type Params = Record<string, unknown>;

/** A file part of a multipart body: the fakes keep its description, not its bytes. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  size: number;
}

/** What a fake answers to one API call; `'drop'` destroys the socket without answering. */
export type Answer = { status: number; contentType: string; body: string } | 'drop';

/** A body the fake cannot read (bad JSON, bad multipart, too large). */
export class BodyError extends Error {}

/** Bodies above this size are refused (Telegram accepts uploads up to 50 MB). */
const MAX_BODY_BYTES = 52 * 1024 * 1024;

/** An answer with a JSON body. */
export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

/** The HTML page an nginx front answers with on 502 (or another status), as Bot API gateways do. */
export function badGatewayAnswer(status = 502): Answer {
  return {
    status,
    contentType: 'text/html',
    body:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
      '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  };
}

/** Writes `answer` to `res` (or destroys the socket for `'drop'`). */
export function writeAnswer(res: ServerResponse, answer: Answer): void {
  if (answer === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** True for the description of an uploaded file made by `readParams`. */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && 'filename' in value && 'size' in value;
}

/** Reads query-string and body parameters: JSON, urlencoded or multipart/form-data. */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body.length === 0) return params;
  return { ...params, ...parseBody(body, String(req.headers['content-type'] ?? '')) };
}

/** Parses a request or webhook-answer body by its content type. */
export function parseBody(body: Buffer, contentType: string): Params {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!boundary) throw new BodyError('multipart body without boundary');
    return parseMultipart(body, boundary[1] ?? boundary[2]!);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BodyError('body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyError('JSON body is not an object');
  }
  return parsed as Params;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyError('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Minimal multipart/form-data reader: plain fields become strings, file parts become an
 * `UploadedFile` description. Binary-safe (works on the Buffer).
 */
export function parseMultipart(body: Buffer, boundary: string): Params {
  const params: Params = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing "--boundary--"
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) throw new BodyError('unterminated multipart body');
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new BodyError('multipart part without headers');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      params[name] =
        filename === undefined
          ? content.toString('utf8')
          : {
              filename,
              contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream',
              size: content.length,
            };
    }
    pos = next;
  }
  return params;
}

/**
 * The last `limit` event times in a sliding window of `windowMs`. A fixed ring buffer:
 * only the `limit` most recent events can decide whether one more fits, so each check
 * and record is O(1) however many events there were.
 */
export class RingWindow {
  private readonly stamps: Float64Array;
  private size = 0;
  private next = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
    this.stamps = new Float64Array(limit);
  }

  /** Milliseconds until one more event fits in the window `(now - windowMs, now]`; 0 when it fits now. */
  waitMs(now: number): number {
    if (this.size < this.limit) return 0;
    return Math.max(0, this.stamps[this.next]! + this.windowMs - now);
  }

  record(now: number): void {
    this.stamps[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (this.size < this.limit) this.size += 1;
  }
}

/** One sliding-window limit: over all sends, per chat, or per group chat. */
export interface LimitRule {
  limit: number;
  windowMs: number;
  scope: 'all' | 'chat' | 'group';
}

/** Exact sliding-window limits over successful sends; a refused send is not counted. */
export class SendLimiter {
  private readonly windows = new Map<string, RingWindow>();

  constructor(
    private readonly rules: readonly LimitRule[],
    private readonly isGroup: (chatId: string) => boolean,
  ) {}

  /** Milliseconds until a send to `chatId` is admitted by every rule; 0 when it is admitted now. */
  waitMs(chatId: string, now: number): number {
    let wait = 0;
    for (let i = 0; i < this.rules.length; i += 1) {
      const window = this.window(i, chatId);
      if (window) wait = Math.max(wait, window.waitMs(now));
    }
    return wait;
  }

  /** Counts a successful send to `chatId` at `now`. */
  record(chatId: string, now: number): void {
    for (let i = 0; i < this.rules.length; i += 1) this.window(i, chatId)?.record(now);
  }

  private window(index: number, chatId: string): RingWindow | undefined {
    const rule = this.rules[index]!;
    if (rule.scope === 'group' && !this.isGroup(chatId)) return undefined;
    const key = rule.scope === 'all' ? `${index}` : `${index}:${chatId}`;
    let window = this.windows.get(key);
    if (!window) {
      window = new RingWindow(rule.limit, rule.windowMs);
      this.windows.set(key, window);
    }
    return window;
  }
}

/** The largest number of events seen in any window of `windowMs` (a deque of recent times). */
export class WindowPeak {
  private stamps: number[] = [];
  private head = 0;
  peak = 0;

  constructor(private readonly windowMs: number) {}

  record(now: number): void {
    this.stamps.push(now);
    while (this.stamps[this.head]! <= now - this.windowMs) this.head += 1;
    this.peak = Math.max(this.peak, this.stamps.length - this.head);
    if (this.head > 4096 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  reset(): void {
    this.stamps = [];
    this.head = 0;
    this.peak = 0;
  }
}

/** Sleeps that `wakeAll` ends at once (used when a fake closes or a delivery is cancelled). */
export class Sleeper {
  private readonly pending = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.add(done);
    });
  }

  wakeAll(): void {
    for (const done of [...this.pending]) done();
  }
}

/** The outcome of one POST to a webhook; `status` 0 means no HTTP answer (`error` says why). */
export interface PostResult {
  status: number;
  contentType: string;
  body: Buffer;
  error?: string;
}

/** POSTs `body` to `url` on a fresh connection (no keep-alive, so receivers can close promptly). */
export function postBody(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve) => {
    const failed = (error: string): void => resolve({ status: 0, contentType: '', body: Buffer.alloc(0), error });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      failed(`invalid URL ${url}`);
      return;
    }
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', (error) => failed(error.message));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => failed(error.message));
    request.end(body);
  });
}

/**
 * Maps `https://` webhook URLs on loopback to `http://`: telegraf always registers an https
 * URL, while test receivers listen on plain HTTP.
 */
export function loopbackHttp(url: string): string {
  return url.replace(/^https:\/\/(127\.0\.0\.1|localhost|\[::1\])([:/]|$)/i, 'http://$1$2');
}

/** One webhook POST attempt, as the queue reports it. */
export interface AttemptResult extends PostResult {
  at: number;
  url: string;
  attempt: number;
}

export interface WebhookQueueOptions<T> {
  retryDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  now: () => number;
  rewriteUrl: (url: string) => string;
  serialize: (item: T) => string;
  onAttempt: (item: T, result: AttemptResult) => void;
  onDelivered?: (item: T, result: AttemptResult) => void;
}

/**
 * Delivers items to a webhook one at a time, in order. An item that does not get a 2xx is
 * re-sent after `retryDelayMs`, up to `maxAttempts` attempts, then given up.
 */
export class WebhookQueue<T> {
  private items: T[] = [];
  private target: { url: string; headers: Record<string, string> } | null = null;
  private generation = 0;
  private pumping = false;
  private controller: AbortController | null = null;
  private readonly sleeper = new Sleeper();

  constructor(private readonly options: WebhookQueueOptions<T>) {}

  /** Items not yet delivered (including the one in flight). */
  get pending(): number {
    return this.items.length;
  }

  /** Starts delivering to `url` with `headers`, beginning with `items`. */
  start(url: string, headers: Record<string, string>, items: T[]): void {
    this.stop();
    this.target = { url, headers };
    this.items = [...items];
    this.pump();
  }

  push(item: T): void {
    this.items.push(item);
    this.pump();
  }

  /** Stops delivering (aborting the request in flight) and hands back the undelivered items. */
  stop(): T[] {
    this.generation += 1;
    this.pumping = false;
    this.target = null;
    this.controller?.abort();
    this.sleeper.wakeAll();
    const rest = this.items;
    this.items = [];
    return rest;
  }

  private pump(): void {
    if (this.pumping || !this.target || this.items.length === 0) return;
    this.pumping = true;
    void this.run(this.generation);
  }

  private async run(generation: number): Promise<void> {
    const { options } = this;
    while (generation === this.generation && this.target && this.items.length > 0) {
      const item = this.items[0]!;
      const url = this.target.url;
      for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
        this.controller = new AbortController();
        const at = options.now();
        const posted = await postBody(
          options.rewriteUrl(url),
          options.serialize(item),
          this.target.headers,
          options.timeoutMs,
          this.controller.signal,
        );
        if (generation !== this.generation) return; // stopped: the item went back with stop()
        const result: AttemptResult = { ...posted, at, url, attempt };
        options.onAttempt(item, result);
        if (result.status >= 200 && result.status < 300) {
          options.onDelivered?.(item, result);
          break;
        }
        if (attempt < options.maxAttempts) {
          await this.sleeper.sleep(options.retryDelayMs);
          if (generation !== this.generation) return;
        }
      }
      this.items.shift();
    }
    this.pumping = false;
  }
}

/** Starts `server` on 127.0.0.1 at a random port and returns the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes `server` and every open connection (keep-alive included), so closing never hangs. */
export function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Parses `true`, `"true"`, `1` and `"1"` as true (Bot API booleans arrive in any of these forms). */
export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === 'True' || value === '1';
}

/** A finite number from a number or numeric string, else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Header overrides for a hand-made webhook POST, matched case-insensitively as HTTP does;
 * an `undefined` value removes the header.
 */
export function mergeHeaders(base: Record<string, string>, overrides: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...base };
  for (const [name, value] of Object.entries(overrides)) merged[name.toLowerCase()] = value;
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
