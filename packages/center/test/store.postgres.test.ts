import { openStore } from '../src/store/index.ts';
import { createTestDatabase } from './pg-test-database.ts';
import { registerStoreConformance } from './store-conformance.ts';

registerStoreConformance('postgres', async () => {
  const database = await createTestDatabase();
  const store = await openStore(database.url);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});
