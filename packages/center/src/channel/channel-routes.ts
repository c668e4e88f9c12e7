/**
 * `GET /v1/channel`: the live channel (live-channel.md). The upgrade request
 * is authenticated like any handset route (the auth hook runs before the
 * upgrade, so a refused one answers problem+json). Requests published on the
 * push bus reach the handset through whichever center holds its socket.
 * What the messages mean is the capabilities' business: they give the
 * handlers and hooks (handset-handlers.ts).
 */
import websocket from '@fastify/websocket';
import { PhoneSafeError, type CenterMessage, type Clock } from '@phonesafe/protocol';
import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { App } from '@phonesafe/server-kit';
import type { Logger } from '../logging/logger.ts';
import type { PushBus } from '../push/push-bus.ts';
import { ChannelRegistry, POLICY_VIOLATION } from './channel-registry.ts';
import type { ChannelHooks, HandsetHandlers } from './handset-handlers.ts';
import { handleHandsetMessage } from './handset-message.ts';
import { TokenBucket, type RateLimit } from './rate-limit.ts';

/** Channel messages are small; a larger one is not a handset speaking the protocol. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface ChannelDeps {
  bus: Pick<PushBus, 'subscribe'>;
  log: Logger;
  clock: Clock;
  /** Messages per socket (rate-limit.ts). */
  rate: RateLimit;
  handlers: HandsetHandlers;
  hooks: ChannelHooks;
  /** The handset a request authenticated as (the route is `auth: 'handset'`). */
  handsetOf: (req: FastifyRequest) => string;
}

export function channelRoutes(app: App, deps: ChannelDeps): ChannelRegistry {
  const registry = new ChannelRegistry();
  let closing = false;
  // Registered before the plugin's own preClose (which closes every socket):
  // sockets closed by a stopping center are not handsets dropping off.
  app.addHook('preClose', async () => {
    closing = true;
  });
  /** Sends when the handset is connected here; the hooks hear of a message that went out from this center alone. */
  const deliver = (handsetId: string, message: CenterMessage): void => {
    if (!registry.send(handsetId, message)) return;
    for (const hook of deps.hooks.onSent) {
      hook.run(handsetId, message).catch((error: unknown) => deps.log.error({ err: error, handsetId }, hook.failure));
    }
  };
  const unsubscribe = deps.bus.subscribe(deliver);
  app.addHook('onClose', async () => unsubscribe());

  app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  const onSocket = (socket: WebSocket, req: FastifyRequest): void => {
    const handsetId = deps.handsetOf(req);
    const log = deps.log.child({ handsetId });
    registry.add(handsetId, socket);
    for (const hook of deps.hooks.onConnect) {
      hook
        .messages(handsetId)
        .then((messages) => messages.forEach((message) => deliver(handsetId, message)))
        .catch((error: unknown) => log.error({ err: error }, hook.failure));
    }
    socket.on('message', messageListener(deps, registry, socket, handsetId, log));
    socket.on('close', () => {
      if (!registry.remove(handsetId, socket) || closing) return;
      for (const hook of deps.hooks.onDisconnect) hook.run(handsetId).catch((error: unknown) => log.error({ err: error }, hook.failure));
    });
  };
  app.register(async (scoped: App) => {
    // An upgrade request reaches `wsHandler`, a plain GET `handler`; both pass the auth hook first.
    scoped.route({
      method: 'GET',
      url: '/v1/channel',
      config: { auth: 'handset' },
      wsHandler: onSocket,
      handler: async (_req, reply) => {
        reply.header('upgrade', 'websocket');
        throw new PhoneSafeError('UPGRADE_REQUIRED', '/v1/channel is a WebSocket: send the request with Upgrade: websocket');
      },
    });
  });
  return registry;
}

/** Reads a socket's messages under its rate limit and dispatches each to its handler. */
function messageListener(deps: ChannelDeps, registry: ChannelRegistry, socket: WebSocket, handsetId: string, log: Logger) {
  const bucket = new TokenBucket(deps.rate, deps.clock);
  let limited = false;
  return (data: RawData): void => {
    // A flood is refused once and the socket closed; what it still sends is not read.
    if (limited) return;
    if (!bucket.take()) {
      limited = true;
      log.warn({ burst: deps.rate.burst, perSecond: deps.rate.perSecond }, 'channel socket over its rate limit: closed');
      registry.refuse(socket, {
        type: 'refused',
        code: 'RATE_LIMITED',
        detail: `more than ${deps.rate.burst} messages at once or ${deps.rate.perSecond} a second`,
      });
      socket.close(POLICY_VIOLATION, 'rate limit');
      return;
    }
    handleHandsetMessage(text(data), handsetId, deps.handlers)
      .then((refusal) => refusal && registry.refuse(socket, refusal))
      .catch((error: unknown) => {
        log.error({ err: error }, 'channel message failed');
        registry.refuse(socket, { type: 'refused', code: 'INTERNAL', detail: 'the center could not handle the message' });
      });
  };
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
