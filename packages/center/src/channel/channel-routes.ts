/**
 * `GET /v1/channel`: the live channel (live-channel.md). The upgrade request
 * is authenticated like any handset route (the auth hook runs before the
 * upgrade, so a refused one answers problem+json). Requests published on the
 * push bus reach the handset through whichever center holds its socket.
 */
import websocket from '@fastify/websocket';
import { PhoneSafeError, type CenterMessage, type Clock } from '@phonesafe/protocol';
import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { asHandset } from '../auth/caller.ts';
import type { App } from '../http/zod.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { Logger } from '../logging/logger.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { RescueTransfer } from '../rescue/rescue-transfer.ts';
import { ChannelRegistry, POLICY_VIOLATION } from './channel-registry.ts';
import { handleHandsetMessage } from './handset-message.ts';
import { TokenBucket, type RateLimit } from './rate-limit.ts';

/** Channel messages are small; a larger one is not a handset speaking the protocol. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface ChannelDeps {
  bus: Pick<PushBus, 'subscribe'>;
  jobs: Pick<JobService, 'answer' | 'transferFailed' | 'disconnected'>;
  log: Logger;
  rescues: Pick<RescueTransfer, 'pending' | 'sent'>;
  clock: Clock;
  /** Messages per socket (rate-limit.ts). */
  rate: RateLimit;
}

export function channelRoutes(app: App, deps: ChannelDeps): ChannelRegistry {
  const registry = new ChannelRegistry();
  let closing = false;
  // Registered before the plugin's own preClose (which closes every socket):
  // sockets closed by a stopping center are not handsets dropping off.
  app.addHook('preClose', async () => {
    closing = true;
  });
  /** Sends when the handset is connected here; a rescue request that went out is recorded as an attempt by this center alone. */
  const deliver = (handsetId: string, message: CenterMessage): void => {
    if (!registry.send(handsetId, message)) return;
    deps.rescues
      .sent(handsetId, message)
      .catch((error: unknown) => deps.log.error({ err: error, handsetId }, 'could not record a rescue attempt'));
  };
  const unsubscribe = deps.bus.subscribe(deliver);
  app.addHook('onClose', async () => unsubscribe());

  app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  const onSocket = (socket: WebSocket, req: FastifyRequest): void => {
    const { handsetId } = asHandset(req.caller);
    const log = deps.log.child({ handsetId });
    registry.add(handsetId, socket);
    // A rescue waiting for this handset goes out the moment it connects (R5), to this socket directly.
    deps.rescues
      .pending(handsetId)
      .then((messages) => messages.forEach((message) => deliver(handsetId, message)))
      .catch((error: unknown) => log.error({ err: error }, 'could not send waiting rescue requests'));
    const bucket = new TokenBucket(deps.rate, deps.clock);
    let limited = false;
    socket.on('message', (data: RawData) => {
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
      handleHandsetMessage(text(data), handsetId, deps.jobs)
        .then((refusal) => refusal && registry.refuse(socket, refusal))
        .catch((error: unknown) => {
          log.error({ err: error }, 'channel message failed');
          registry.refuse(socket, { type: 'refused', code: 'INTERNAL', detail: 'the center could not handle the message' });
        });
    });
    socket.on('close', () => {
      if (!registry.remove(handsetId, socket) || closing) return;
      deps.jobs.disconnected(handsetId).catch((error: unknown) => log.error({ err: error }, 'could not record a dropped channel'));
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

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
