/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over
 * the size limit, a malformed request line, headers that never finish) are
 * answered here, on the raw socket, as problem+json like every other refusal.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PhoneSafeError } from '@phonesafe/protocol';
import { problemBody, PROBLEM_TYPE } from './problem.ts';

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = problemOf(error.code);
  if (socket.writable) {
    const body = Buffer.from(problemBody(problem));
    const head = `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }
  socket.destroySoon();
}

function problemOf(code: string | undefined): PhoneSafeError {
  if (code === 'HPE_HEADER_OVERFLOW') return new PhoneSafeError('HEADERS_TOO_LARGE', 'the request headers exceed the size limit');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new PhoneSafeError('REQUEST_TIMEOUT', 'the request headers did not arrive in time');
  return new PhoneSafeError('BAD_REQUEST', 'the request is not well-formed HTTP/1.1');
}
