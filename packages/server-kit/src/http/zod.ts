/**
 * Fastify validates and serializes with the protocol's zod schemas: a route
 * declares `schema: { body, params, querystring, headers, response }` with zod
 * types, handlers see the parsed (typed, defaulted) values, and every answer
 * is checked against its contract before it leaves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { z } from 'zod';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** A PhoneSafe server's Fastify instance, as every route module receives it. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export function useZodSchemas(app: App): void {
  // A failed parse hands Fastify the ZodError itself; the error handler turns it into VALIDATION_FAILED.
  app.setValidatorCompiler<z.ZodType>(({ schema }) => (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  });
  // An answer that breaks its schema is a center bug: parse throws and the client gets INTERNAL.
  app.setSerializerCompiler<z.ZodType>(
    ({ schema }) =>
      (data) =>
        JSON.stringify(schema.parse(data)),
  );
}
