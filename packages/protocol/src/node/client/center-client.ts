import type { z } from 'zod';
import { sha256Hex } from '../crypto/owner-keys.ts';
import * as B from '../../schemas/backup.ts';
import * as N from '../../schemas/notice.ts';
import * as O from '../../schemas/owner.ts';
import * as R from '../../schemas/restore.ts';
import type * as RS from '../../schemas/rescue.ts';
import * as S from '../../schemas/schedule.ts';
import { PhoneSafeError } from '../../errors.ts';
import { decodePartBatch, encodePartBatch, PartBatchAck, type BatchPart } from '../../schemas/part-batch.ts';
import { Http, type HttpOptions } from './http.ts';
import { SyncClient } from './sync-client.ts';

/** Typed calls of wire protocol v1 (docs/design/wire-protocol.md). */
export class CenterClient {
  readonly http: Http;

  constructor(options: HttpOptions | Http) {
    this.http = options instanceof Http ? options : new Http(options);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The SIM sync calls (sync.md) on the same connections and credential. */
  sync(): SyncClient {
    return new SyncClient(this.http);
  }

  /** A client on the same connections acting with another credential. */
  as(bearer: string): CenterClient {
    return new CenterClient(this.http.withBearer(bearer));
  }

  prelogin(email: string) {
    return this.http.json(O.PreloginResponse, { method: 'POST', path: '/v1/owners/prelogin', json: { email } });
  }
  registerOwner(req: z.input<typeof O.RegisterOwnerRequest>) {
    return this.http.json(O.RegisterOwnerResponse, { method: 'POST', path: '/v1/owners', json: req });
  }
  login(req: z.input<typeof O.LoginRequest>) {
    return this.http.json(O.LoginResponse, { method: 'POST', path: '/v1/owners/login', json: req });
  }
  /** Owner: ends this client's session (its token is refused from then on). */
  async logout(): Promise<void> {
    await this.http.raw({ method: 'POST', path: '/v1/owners/logout' });
  }
  /** Owner: replaces the password's secrets and ends the owner's other sessions (see changeOwnerPassword). */
  changePassword(req: z.input<typeof O.ChangePasswordRequest>) {
    return this.http.json(O.ChangePasswordResponse, { method: 'PUT', path: '/v1/owners/password', json: req });
  }
  /** Owner: sets or replaces the recovery key's secrets (see setRecoveryKey). */
  async setRecovery(req: z.input<typeof O.SetRecoveryRequest>): Promise<void> {
    await this.http.raw({ method: 'PUT', path: '/v1/owners/recovery', json: req });
  }
  /** Public: the data key wrapped for the recovery key, given the auth key derived from it. */
  openRecovery(req: z.input<typeof O.OpenRecoveryRequest>) {
    return this.http.json(O.OpenRecoveryResponse, { method: 'POST', path: '/v1/owners/recovery/open', json: req });
  }
  /** Public: a new password set with the recovery key (see recoverOwner); every session ends. */
  recover(req: z.input<typeof O.RecoverRequest>) {
    return this.http.json(O.ChangePasswordResponse, { method: 'POST', path: '/v1/owners/recover', json: req });
  }
  /** `rescue` carries the phone number and the rescue desk code number (seed 004); both optional. */
  enrollHandset(name: string, rescue: { phone?: string; code?: string } = {}) {
    return this.http.json(O.EnrollHandsetResponse, { method: 'POST', path: '/v1/handsets', json: { name, ...rescue } });
  }
  async listHandsets() {
    return (await this.http.json(O.HandsetList, { method: 'GET', path: '/v1/handsets' })).handsets;
  }
  /** Owner: the handset's credential is refused from now on, everywhere (idempotent). */
  async revokeHandset(name: string): Promise<void> {
    await this.http.raw({ method: 'POST', path: `/v1/handsets/${encodeURIComponent(name)}/revoke` });
  }
  whoami() {
    return this.http.json(O.WhoAmIResponse, { method: 'GET', path: '/v1/whoami' });
  }

  startBackup(req: z.input<typeof B.StartBackupRequest>) {
    return this.http.json(B.StartBackupResponse, { method: 'POST', path: '/v1/backups', json: req });
  }
  /** Which of `ids` the center lacks, and the stored refs of the others (B5 resume, dedup). */
  partStatus(ids: string[]): Promise<B.MissingPartsResponse> {
    return this.http.json(B.MissingPartsResponse, { method: 'POST', path: '/v1/parts/missing', json: { ids } });
  }
  putPart(id: string, bytes: Uint8Array, sha256: string = sha256Hex(bytes)) {
    return this.http.json(B.PartAck, { method: 'PUT', path: `/v1/parts/${id}`, body: bytes, headers: { 'x-phonesafe-sha256': sha256 } });
  }
  /** Several small parts in one request (schemas/part-batch.ts); one ack per part, in order. */
  async putParts(parts: readonly BatchPart[]): Promise<B.PartAck[]> {
    const body = encodePartBatch(parts);
    const answer = await this.http.json(PartBatchAck, { method: 'PUT', path: '/v1/parts', body });
    return answer.acks;
  }
  /** The sealed bytes of several stored parts in one request (restores of many small items). */
  async fetchParts(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const { body } = await this.http.raw({ method: 'POST', path: '/v1/parts/fetch', json: { ids } });
    const parts = decodePartBatch(body);
    const byId = new Map(parts.map((part) => [part.ref.id, Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength)]));
    const absent = ids.find((id) => !byId.has(id));
    if (absent) throw new PhoneSafeError('PART_MISSING', `the center did not send part ${absent}`);
    return byId;
  }
  endBackup(backupId: string, notice: B.EndNotice) {
    return this.http.json(B.CompletionNotice, { method: 'POST', path: `/v1/backups/${backupId}/end`, json: notice });
  }
  async listBackups(handset?: string) {
    const query = handset ? `?handset=${encodeURIComponent(handset)}` : '';
    return (await this.http.json(B.BackupList, { method: 'GET', path: `/v1/backups${query}` })).backups;
  }
  getBackup(backupId: string) {
    return this.http.json(B.BackupDetail, { method: 'GET', path: `/v1/backups/${backupId}` });
  }
  async deleteBackup(backupId: string): Promise<void> {
    await this.http.raw({ method: 'DELETE', path: `/v1/backups/${backupId}` });
  }

  /**
   * The sealed bytes of a part. The center checks its stored hash before
   * answering (PART_DAMAGED); opening the part checks the AEAD tag, bound to
   * the part id, which catches any fault on the way, so no hash is taken here.
   */
  async getPart(id: string): Promise<Buffer> {
    return (await this.http.raw({ method: 'GET', path: `/v1/parts/${id}` })).body;
  }

  startRestore(req: z.input<typeof R.StartRestoreRequest>) {
    return this.http.json(R.RestoreOrder, { method: 'POST', path: '/v1/restores', json: req });
  }
  async pendingRestores() {
    return (await this.http.json(R.PendingRestores, { method: 'GET', path: '/v1/restores/pending' })).restores;
  }
  completeRestore(restoreId: string, req: z.input<typeof R.RestoreComplete>) {
    return this.http.json(R.RestoreCompleteResponse, { method: 'POST', path: `/v1/restores/${restoreId}/complete`, json: req });
  }
  /** Handset: the order could not be applied (error code only); the center offers it again after a backoff. */
  reportRestoreFailed(restoreId: string, req: z.input<typeof R.RestoreFailedReport>) {
    return this.http.json(R.RestoreOrder, { method: 'POST', path: `/v1/restores/${restoreId}/failed`, json: req });
  }
  /** Owner: the order is not to be applied any more. */
  cancelRestore(restoreId: string) {
    return this.http.json(R.RestoreOrder, { method: 'POST', path: `/v1/restores/${restoreId}/cancel` });
  }
  /** Owner: every restore order, newest first, with its status. */
  async listRestores() {
    return (await this.http.json(R.RestoreList, { method: 'GET', path: '/v1/restores' })).restores;
  }
  async history() {
    return (await this.http.json(R.HistoryList, { method: 'GET', path: '/v1/history' })).events;
  }

  /** Handset: registers its own center-side trigger (B1: "center-side triggers are registered at the center"). */
  putOwnSchedule(req: z.input<typeof S.PutScheduleRequest>) {
    return this.http.json(S.ScheduleView, { method: 'PUT', path: '/v1/handsets/me/schedule', json: req });
  }
  /** Owner: every handset's notices; handset: its own (B3 "backup could not be made", B4 over quota). */
  async notices() {
    return (await this.http.json(N.NoticeList, { method: 'GET', path: '/v1/notices' })).notices;
  }

  /** Handset: the rescue's saved data is erased from its memory (R2); the center records the first report only. */
  async rescueErased(rescueId: string, report: z.input<typeof RS.RescueErasedReport>): Promise<void> {
    await this.http.raw({ method: 'POST', path: `/v1/rescue/${encodeURIComponent(rescueId)}/erased`, json: report });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
