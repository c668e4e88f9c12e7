/**
 * Every error answer is `application/problem+json` with a stable code from the
 * protocol registry. Services throw PhoneSafeError; Fastify's own failures
 * (parsing, limits, validation) are translated here, and so is running out of
 * space (STORAGE_FULL); anything else is a bug and answers INTERNAL without details.
 */
import { ERRORS, PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asStorageFault } from '../store/storage-fault.ts';

/** The error handler of a server: `server` names it in the details that need a subject ("the center failed …"). */
export function problemHandler(server: string) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const problem = toPhoneSafeError(error, request, server);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
    else request.log.info({ code: problem.code, detail: problem.detail }, 'request refused');
    return reply.code(problem.status).type(PROBLEM_TYPE).send(problemBody(problem));
  };
}

export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** The problem+json document of an error a server answers (its status is the registry's). */
export function problemBody(problem: PhoneSafeError): string {
  return JSON.stringify({
    type: `urn:phonesafe:problem:${problem.code}`,
    title: ERRORS[problem.code].title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    retryable: problem.retryable,
    extra: problem.extra,
  });
}

export function notFound(request: FastifyRequest): never {
  throw new PhoneSafeError('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`);
}

function toPhoneSafeError(error: unknown, request: FastifyRequest, server: string): PhoneSafeError {
  if (error instanceof PhoneSafeError) {
    // Client-side codes (status 0) cannot be answered; if one escapes a service, it is our bug.
    return error.status >= 400 ? error : internal(server);
  }
  if (error instanceof z.ZodError) return validationFailed(error);
  const { code, statusCode } = error as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const answer: ErrorCode = request.routeOptions.config.tooLarge ?? 'BODY_TOO_LARGE';
    return new PhoneSafeError(answer, `the body is larger than ${request.routeOptions.bodyLimit} bytes`);
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new PhoneSafeError('UNSUPPORTED_MEDIA_TYPE', `content type ${request.headers['content-type'] ?? '(none)'} is not accepted here`);
  }
  // Fastify's other 4xx failures (malformed JSON, empty JSON body, bad content-length) have safe messages.
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return new PhoneSafeError('BAD_REQUEST', (error as Error).message);
  }
  return asStorageFault(error, server) ?? internal(server);
}

function validationFailed(error: z.ZodError): PhoneSafeError {
  // Fastify tags the error with the part it validated: body, params, querystring or headers.
  const where = (error as z.ZodError & { validationContext?: string }).validationContext ?? 'request';
  const issues = error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new PhoneSafeError('VALIDATION_FAILED', detail, { issues });
}

function internal(server: string): PhoneSafeError {
  return new PhoneSafeError('INTERNAL', `the ${server} failed to handle the request; it has been logged`);
}
