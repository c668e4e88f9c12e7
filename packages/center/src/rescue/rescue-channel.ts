/** What the rescue desk gives the live channel (channel/handset-handlers.ts): its waiting requests, and the attempts that went out. */
import type { ChannelHooks } from '../channel/handset-handlers.ts';
import type { RescueTransfer } from './rescue-transfer.ts';

export function rescueChannelHooks(transfer: Pick<RescueTransfer, 'pending' | 'sent'>): Pick<ChannelHooks, 'onConnect' | 'onSent'> {
  return {
    // A rescue waiting for this handset goes out the moment it connects (R5), to this socket directly.
    onConnect: [{ failure: 'could not send waiting rescue requests', messages: (handsetId) => transfer.pending(handsetId) }],
    // A rescue request that went out is recorded as an attempt by this center alone.
    onSent: [{ failure: 'could not record a rescue attempt', run: (handsetId, message) => transfer.sent(handsetId, message) }],
  };
}
