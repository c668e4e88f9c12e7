import { registerStoreConformance } from './store-conformance.ts';
import { tempCenter } from './temp-center.ts';

registerStoreConformance('sqlite', async () => {
  const { store, cleanup } = await tempCenter();
  return { store, cleanup };
});
