/** The deposit routes: register, release, confirm, abort, withdraw; every one signed by a card. */
import {
  ChallengeAnswer,
  ChallengeRequest,
  PhoneSafeError,
  ConfirmAnswer,
  ConfirmRequest,
  DepositAnswer,
  DepositRequest,
  ReleaseAnswer,
  ReleaseRequest,
  WithdrawRequest,
} from '@phonesafe/protocol';
import type { App } from '@phonesafe/server-kit';
import type { FastifyRequest } from 'fastify';
import type { DepositService } from './deposit-service.ts';
import type { ReleaseService } from './release-service.ts';

function cardOf(request: FastifyRequest) {
  if (!request.card) throw new PhoneSafeError('SAFE_REQUEST_INVALID', 'unsigned request');
  return request.card;
}

export function depositRoutes(app: App, deposits: DepositService, releases: ReleaseService): void {
  const config = { auth: 'card' as const, tooLarge: 'SAFE_VALUE_TOO_LARGE' as const };
  app.post('/v1/deposits', { config, schema: { body: DepositRequest, response: { 201: DepositAnswer } } }, async (req, reply) => {
    const certificate = await deposits.deposit(cardOf(req), req.body);
    return reply.code(201).send({ certificate });
  });
  app.post('/v1/deposits/release', { config, schema: { body: ReleaseRequest, response: { 200: ReleaseAnswer } } }, async (req) => {
    const card = cardOf(req);
    return { record: await releases.release(card, req.body, card.nonce) };
  });
  app.post('/v1/deposits/challenge', { config, schema: { body: ChallengeRequest, response: { 200: ChallengeAnswer } } }, async (req) => ({
    challenge: await releases.challenge(cardOf(req), req.body.certificate),
  }));
  app.post('/v1/deposits/confirm', { config, schema: { body: ConfirmRequest, response: { 200: ConfirmAnswer } } }, async (req) => ({
    state: await releases.confirm(cardOf(req), req.body),
  }));
  app.post('/v1/deposits/abort', { config, schema: { body: ConfirmRequest, response: { 200: ConfirmAnswer } } }, async (req) => ({
    state: await releases.abort(cardOf(req), req.body),
  }));
  app.post('/v1/deposits/withdraw', { config, schema: { body: WithdrawRequest, response: { 200: ConfirmAnswer } } }, async (req) => ({
    state: await releases.withdraw(cardOf(req), req.body.certificate),
  }));
}
