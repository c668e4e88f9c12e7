/** The owners' port (owner-repo.ts) over Kysely: accounts, tokens, quota settings. */
import type { KdfParams } from '@phonesafe/protocol';
import type { Kysely } from 'kysely';
import { type Engine, insertUnique, inTransaction, tablesOf } from '@phonesafe/server-kit';
import type { OwnerRepo, OwnerRow } from './owner-repo.ts';
import type { OwnersTable, OwnerTables } from './owner-tables.ts';

type Db = Kysely<OwnerTables>;

export function ownerQueries(engine: Engine): OwnerRepo {
  const db = tablesOf<OwnerTables>(engine);
  return { ...accounts(engine, db), ...tokens(db), ...quotas(db), ...recovery(db) };
}

function recovery(db: Db): Pick<OwnerRepo, 'setRecovery' | 'recovery'> {
  return {
    async setRecovery(ownerId, row) {
      await db
        .updateTable('owners')
        .set({ recovery_auth_hash: row.authHash, recovery_wrapped_key: row.wrappedDataKey })
        .where('id', '=', ownerId)
        .execute();
    },

    async recovery(ownerId) {
      const row = await db
        .selectFrom('owners')
        .select(['recovery_auth_hash', 'recovery_wrapped_key'])
        .where('id', '=', ownerId)
        .executeTakeFirst();
      if (!row?.recovery_auth_hash || !row.recovery_wrapped_key) return undefined;
      return { authHash: row.recovery_auth_hash, wrappedDataKey: row.recovery_wrapped_key };
    },
  };
}

function accounts(engine: Engine, db: Db): Pick<OwnerRepo, 'create' | 'findByEmail' | 'findById' | 'changeSecrets'> {
  return {
    async create(row) {
      await insertUnique(engine, 'OWNER_EXISTS', () =>
        db
          .insertInto('owners')
          .values({
            id: row.id,
            email: row.email,
            auth_hash: row.authHash,
            kdf: JSON.stringify(row.kdf),
            wrapped_data_key: row.wrappedDataKey,
            created_at: row.createdAt,
            quota_bytes: null,
            quota_limit_bytes: null,
            recovery_auth_hash: null,
            recovery_wrapped_key: null,
          })
          .execute(),
      );
    },

    async findByEmail(email) {
      const row = await db.selectFrom('owners').selectAll().where('email', '=', email).executeTakeFirst();
      return row && toOwner(row);
    },

    async findById(id) {
      const row = await db.selectFrom('owners').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOwner(row);
    },

    async changeSecrets(change) {
      return inTransaction<OwnerTables, number | undefined>(engine, async (trx) => {
        const updated = await trx
          .updateTable('owners')
          .set({ auth_hash: change.authHash, kdf: JSON.stringify(change.kdf), wrapped_data_key: change.wrappedDataKey })
          .where('id', '=', change.ownerId)
          .where('auth_hash', '=', change.expectedAuthHash)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return undefined;
        const ended = await trx
          .deleteFrom('owner_tokens')
          .where('owner_id', '=', change.ownerId)
          .where('id', '!=', change.keepTokenId)
          .executeTakeFirst();
        return Number(ended.numDeletedRows);
      });
    },
  };
}

function tokens(db: Db): Pick<OwnerRepo, 'addToken' | 'findToken' | 'deleteExpiredTokens' | 'deleteToken'> {
  return {
    async addToken(token) {
      await db
        .insertInto('owner_tokens')
        .values({ id: token.id, owner_id: token.ownerId, secret_hash: token.secretHash, expires_at: token.expiresAt })
        .execute();
    },

    async findToken(id) {
      const row = await db
        .selectFrom('owner_tokens')
        .select(['owner_id', 'secret_hash', 'expires_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ownerId: row.owner_id, secretHash: row.secret_hash, expiresAt: row.expires_at };
    },

    async deleteExpiredTokens(now) {
      const result = await db.deleteFrom('owner_tokens').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteToken(id) {
      await db.deleteFrom('owner_tokens').where('id', '=', id).execute();
    },
  };
}

function quotas(db: Db): Pick<OwnerRepo, 'quotaBytes' | 'setQuotaBytes' | 'quotaLimitBytes' | 'setQuotaLimitBytes'> {
  return {
    async quotaBytes(ownerId) {
      const row = await db.selectFrom('owners').select('quota_bytes').where('id', '=', ownerId).executeTakeFirst();
      return row?.quota_bytes ?? null;
    },

    async setQuotaBytes(ownerId, bytes) {
      await db.updateTable('owners').set({ quota_bytes: bytes }).where('id', '=', ownerId).execute();
    },

    async quotaLimitBytes(ownerId) {
      const row = await db.selectFrom('owners').select('quota_limit_bytes').where('id', '=', ownerId).executeTakeFirst();
      return row?.quota_limit_bytes ?? null;
    },

    async setQuotaLimitBytes(ownerId, bytes) {
      await db.updateTable('owners').set({ quota_limit_bytes: bytes }).where('id', '=', ownerId).execute();
    },
  };
}

function toOwner(row: OwnersTable): OwnerRow {
  return {
    id: row.id,
    email: row.email,
    authHash: row.auth_hash,
    kdf: JSON.parse(row.kdf) as KdfParams,
    wrappedDataKey: row.wrapped_data_key,
    createdAt: row.created_at,
  };
}
