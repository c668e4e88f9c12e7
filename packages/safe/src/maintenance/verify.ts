/**
 * `phonesafe safe verify`: every live deposit's body against the hash its
 * card signed and its certificate against the safe's own key; damaged rows
 * are listed (the safe cannot repair a value, only say which one is gone).
 */
import { fromB64url, SAFE_CERTIFICATE_DOMAIN as CERTIFICATE_CHECK, sha256, verifyUnder } from '@phonesafe/protocol/node';
import { loadSafeKeys } from '../identity/safe-keys.ts';
import { depositRepo } from '../deposits/deposit-queries.ts';
import { auditRepo, type AuditRow } from '../audit/audit-queries.ts';
import type { SafeConfig } from '../config/config.ts';
import { openSafeStore } from '../store/open-store.ts';

export interface VerifyReport {
  checked: number;
  tombstones: number;
  damaged: Array<{ serial: number; reason: string }>;
}

export async function runSafeVerify(config: Pick<SafeConfig, 'db' | 'data'>): Promise<VerifyReport> {
  const keys = await loadSafeKeys(config.data);
  const engine = await openSafeStore(config);
  try {
    const report: VerifyReport = { checked: 0, tombstones: 0, damaged: [] };
    for (const row of await depositRepo(engine).all()) {
      if (!verifyUnder(keys.sign.publicRaw, CERTIFICATE_CHECK, fromB64url(row.cert_body), fromB64url(row.cert_sig))) {
        report.damaged.push({ serial: row.serial, reason: 'certificate signature does not verify' });
      }
      if (row.body === null) {
        report.tombstones++;
        continue;
      }
      report.checked++;
      if (sha256(fromB64url(row.body)).toString('hex') !== row.hash)
        report.damaged.push({ serial: row.serial, reason: 'body does not match its hash' });
    }
    return report;
  } finally {
    await engine.db.destroy();
  }
}

/** The audit trail (`phonesafe safe audit`). */
export async function runSafeAudit(config: Pick<SafeConfig, 'db'>): Promise<AuditRow[]> {
  const engine = await openSafeStore(config);
  try {
    return await auditRepo(engine).list();
  } finally {
    await engine.db.destroy();
  }
}
