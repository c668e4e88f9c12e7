import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** Where the channel is and who the handset is there. The credential is a secret: never in an event or a log. */
export interface ChannelEndpoint {
  url: string;
  credential: string;
  ca?: string;
}

/** `<center>/v1/channel` with the scheme the center's own implies: ws for http, wss for https. */
export function channelUrl(center: string): string {
  const url = new URL('/v1/channel', center);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export interface Connection {
  /** Sends a text frame; a frame sent as the socket closes is lost, which the center treats as no answer. */
  send(text: string): void;
}

export interface ConnectionEnd {
  opened: boolean;
  reason: string;
  /** The error code of a refused upgrade (problem+json), e.g. CREDENTIAL_REVOKED. */
  refusedCode?: string;
}

export interface ConnectHandlers {
  signal: AbortSignal;
  /** A ping every this many ms; a connection that did not answer the previous one is dropped as dead. */
  heartbeatMs: number;
  onOpen(connection: Connection): void;
  onText(connection: Connection, text: string): void;
}

/**
 * One WebSocket connection to the channel, from dialling to close. The
 * handset credential goes in the upgrade request's Authorization header (so
 * the `ws` package rather than the browser-style global WebSocket). Resolves
 * once the connection is over, with whether it ever opened and why it ended.
 */
export function connectOnce(endpoint: ChannelEndpoint, handlers: ConnectHandlers): Promise<ConnectionEnd> {
  return new Promise((resolve) => {
    const ws = new WebSocket(endpoint.url, {
      headers: { authorization: `Bearer ${endpoint.credential}` },
      handshakeTimeout: 15_000,
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
    });
    const connection: Connection = {
      send: (text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text, () => undefined);
      },
    };
    const end: EndState = { opened: false };
    let heartbeat: NodeJS.Timeout | undefined;

    const stop = () => (ws.readyState === WebSocket.CONNECTING ? ws.terminate() : ws.close(1000, 'handset stopping'));
    handlers.signal.addEventListener('abort', stop, { once: true });

    ws.on('unexpected-response', (_request, response) => readRefusal(ws, response, end));
    ws.on('error', (error) => (end.reason ??= error.message));
    ws.on('open', () => {
      end.opened = true;
      heartbeat = startHeartbeat(ws, handlers.heartbeatMs, end);
      handlers.onOpen(connection);
    });
    ws.on('message', (data, isBinary) => {
      // The protocol has text frames only; a binary one is reported as not JSON.
      handlers.onText(connection, isBinary ? '' : data.toString());
    });
    ws.on('close', (code, why) => {
      clearInterval(heartbeat);
      handlers.signal.removeEventListener('abort', stop);
      resolve({
        opened: end.opened,
        reason: end.reason ?? `closed by the center (${code}${why.length ? `: ${why.toString()}` : ''})`,
        ...(end.refusedCode ? { refusedCode: end.refusedCode } : {}),
      });
    });
  });
}

/** What is learnt about how a connection ends, before it closes; the first reason found counts. */
interface EndState {
  opened: boolean;
  reason?: string;
  refusedCode?: string;
}

/** A refused upgrade answers problem+json; its detail says why (e.g. a revoked credential). */
function readRefusal(ws: WebSocket, response: IncomingMessage, end: EndState): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (piece: string) => (body += piece.slice(0, 2_000)));
  response.on('end', () => {
    const problem = parseProblem(body);
    end.refusedCode = problem?.code;
    const why = problem ? ` (${problem.code ? `${problem.code}: ` : ''}${problem.detail})` : '';
    end.reason ??= `the center refused the channel: HTTP ${response.statusCode}${why}`;
    ws.terminate();
  });
}

/** A ping every `ms`; a connection that did not answer the previous one is dropped as dead. */
function startHeartbeat(ws: WebSocket, ms: number, end: EndState): NodeJS.Timeout {
  let alive = true;
  ws.on('pong', () => (alive = true));
  return setInterval(() => {
    if (!alive) {
      end.reason ??= 'the center stopped answering pings';
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, ms);
}

function parseProblem(body: string): { code?: string; detail: string } | undefined {
  try {
    const problem = JSON.parse(body) as { code?: unknown; detail?: unknown };
    if (typeof problem.detail !== 'string') return undefined;
    return { detail: problem.detail, ...(typeof problem.code === 'string' ? { code: problem.code } : {}) };
  } catch {
    return undefined;
  }
}
