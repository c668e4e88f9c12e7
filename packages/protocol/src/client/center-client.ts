import type { z } from 'zod';
import { PhoneSafeError } from '../errors.ts';
import { sha256Hex } from '../crypto/owner-keys.ts';
import * as B from '../schemas/backup.ts';
import * as O from '../schemas/owner.ts';
import * as R from '../schemas/restore.ts';
import { Http, type HttpOptions } from './http.ts';

/** Typed calls of wire protocol v1 (docs/design/wire-protocol.md). */
export class CenterClient {
  readonly http: Http;

  constructor(options: HttpOptions | Http) {
    this.http = options instanceof Http ? options : new Http(options);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
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
  enrollHandset(name: string) {
    return this.http.json(O.EnrollHandsetResponse, { method: 'POST', path: '/v1/handsets', json: { name } });
  }
  async listHandsets() {
    return (await this.http.json(O.HandsetList, { method: 'GET', path: '/v1/handsets' })).handsets;
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
    const res = await this.http.raw({ method: 'DELETE', path: `/v1/backups/${backupId}` });
    await res.body.dump();
  }

  /**
   * The sealed bytes of a part. The center checks its stored hash before
   * answering; the bytes are checked again here against the header, so a
   * transfer fault never reaches the caller as data.
   */
  async getPart(id: string): Promise<Buffer> {
    const { bytes, headers } = await this.http.bytes({ method: 'GET', path: `/v1/parts/${id}` });
    const declared = headers['x-phonesafe-sha256'];
    if (typeof declared !== 'string' || sha256Hex(bytes) !== declared) {
      throw new PhoneSafeError('PART_DAMAGED', `part ${id} arrived damaged`);
    }
    return bytes;
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
  async history() {
    return (await this.http.json(R.HistoryList, { method: 'GET', path: '/v1/history' })).events;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
