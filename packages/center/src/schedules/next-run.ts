/** When a schedule next fires: shared with the pc's mail schedule (M5), so it lives once, in protocol. */
export { nextRun } from '@phonesafe/protocol';
