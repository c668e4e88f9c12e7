import { loginOrRegister, setRecoveryKey, type CenterClient, type HttpOptions } from '@phonesafe/protocol/node';
import type { Identity } from './identity-files.ts';

/** Opens a client to a center; a port, so tests can put faults between handset and center. */
export type ConnectCenter = (options: HttpOptions) => CenterClient;

export interface EnrollRequest {
  center: string;
  owner: string;
  password: string;
  name: string;
  ca?: string;
  /** The handset's phone number (MSISDN), for the lost-handset rescue desk (seed 004). */
  phone?: string;
  /** The rescue desk code number for that phone number; sent to the center once and never stored here. */
  code?: string;
  /** When this enrolment registers the owner: make a recovery key (answered once, never stored here). */
  recoveryKey?: boolean;
}

/**
 * Logs the owner in (registering the owner on a first handset), enrolls this
 * handset under `name` (with its phone number and rescue code number, when
 * given) and returns what the handset keeps: its identity and the unwrapped
 * data key. The password and the code number are used here only and never
 * stored; the owner's session ends with the enrollment.
 */
export async function enrollAtCenter(
  request: EnrollRequest,
  connect: ConnectCenter,
): Promise<{ identity: Identity; dataKey: Buffer; ownerRegistered: boolean; rescueCode: boolean; recoveryKey?: string }> {
  const center = connect({ baseUrl: request.center, ...(request.ca ? { ca: request.ca } : {}) });
  try {
    const session = await loginOrRegister(center, request.owner, request.password);
    const rescue = { ...(request.phone ? { phone: request.phone } : {}), ...(request.code ? { code: request.code } : {}) };
    const enrolled = await session.client.enrollHandset(request.name, rescue);
    const identity: Identity = {
      center: center.baseUrl,
      ...(request.ca ? { ca: request.ca } : {}),
      handsetId: enrolled.handsetId,
      name: enrolled.name,
      credential: enrolled.credential,
      owner: session.email,
      ...(request.phone ? { phone: request.phone } : {}),
    };
    const recoveryKey = request.recoveryKey && session.registered ? await setRecoveryKey(session) : undefined;
    // The owner's session was for this enrollment only; the handset goes on with its own credential.
    await session.client.logout().catch(() => {});
    const result = { identity, dataKey: session.dataKey, ownerRegistered: session.registered, rescueCode: enrolled.rescueCode };
    return recoveryKey ? { ...result, recoveryKey } : result;
  } finally {
    await center.close();
  }
}
