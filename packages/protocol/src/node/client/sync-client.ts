/** Typed calls of the SIM sync protocol (docs/design/sync.md), on a CenterClient's connections and credential. */
import type { z } from 'zod';
import * as Y from '../../schemas/sync.ts';
import type { Http } from './http.ts';

const path = (number: string) => `/v1/subscribers/${encodeURIComponent(number)}`;

export class SyncClient {
  readonly #http: Http;

  constructor(http: Http) {
    this.#http = http;
  }

  /** Owner: a subscriber and its user area, with every kind's wrapped collection key. */
  createSubscriber(req: z.input<typeof Y.CreateSubscriberRequest>) {
    return this.#http.json(Y.SubscriberView, { method: 'POST', path: '/v1/subscribers', json: req });
  }
  subscriber(number: string) {
    return this.#http.json(Y.SubscriberView, { method: 'GET', path: path(number) });
  }
  updateSubscriber(number: string, req: z.input<typeof Y.UpdateSubscriberRequest>) {
    return this.#http.json(Y.SubscriberView, { method: 'PUT', path: path(number), json: req });
  }
  area(number: string) {
    return this.#http.json(Y.AreaList, { method: 'GET', path: `${path(number)}/area` });
  }

  /** Handset: registers itself as a terminal of the subscriber (FIG 8 S5-S6, or the shop's FIG 19). */
  registerTerminal(terminalId: string, req: z.input<typeof Y.RegisterTerminalRequest>) {
    return this.#http.json(Y.TerminalView, { method: 'PUT', path: `/v1/sync/terminals/${terminalId}`, json: req });
  }
  /** Handset: the card reader saw the SIM inserted or removed. */
  async reportSim(req: z.input<typeof Y.SimReport>): Promise<void> {
    await this.#http.raw({ method: 'PUT', path: '/v1/sync/sim', json: req });
  }
  openSession(req: z.input<typeof Y.OpenSessionRequest>) {
    return this.#http.json(Y.OpenSessionResponse, { method: 'POST', path: '/v1/sync/sessions', json: req });
  }
  upload(sessionId: string, changes: Y.UpChange[]) {
    return this.#http.json(Y.UploadResponse, { method: 'POST', path: `/v1/sync/sessions/${sessionId}/changes`, json: { changes } });
  }
  download(sessionId: string, after: number) {
    return this.#http.json(Y.DownloadResponse, { method: 'GET', path: `/v1/sync/sessions/${sessionId}/changes?after=${after}` });
  }
  endSession(sessionId: string, appliedThrough: number) {
    return this.#http.json(Y.EndSessionResponse, { method: 'POST', path: `/v1/sync/sessions/${sessionId}/end`, json: { appliedThrough } });
  }
}
